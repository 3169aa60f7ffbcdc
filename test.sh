#!/usr/bin/env bash
# Runs every test of TicketWorker on this machine. On a fresh Debian/Ubuntu machine with only the
# .NET SDK it first installs and starts what the tests talk to (install/test-services.sh): the
# local mail stack (Dovecot + Postfix on 127.0.0.1) and PostgreSQL on 127.0.0.1:15432.
# Results: one TRX file per test assembly in TestResults/; the summary line is printed by
# install/summarize-tests.sh.
set -uo pipefail
cd "$(dirname "$0")"
root=$(pwd)

if [ "${TICKETWORKER_SKIP_SERVICES:-}" != "1" ]; then
  install/test-services.sh up || { echo "test.sh: could not start the test services (see above)" >&2; exit 2; }
fi

rm -rf TestResults && mkdir -p TestResults
dotnet build TicketWorker.sln -c Release --nologo -v q -clp:NoSummary || { echo "test.sh: build failed" >&2; exit 2; }

status=0
for proj in tests/*/*.csproj; do
  name=$(basename "$proj" .csproj)
  # --blame-hang-timeout turns a hung test into a failed run with a dump instead of a hung CI.
  dotnet test "$proj" -c Release --no-build --nologo \
    --logger "trx;LogFileName=$root/TestResults/$name.trx" \
    --logger "console;verbosity=normal" \
    --blame-hang-timeout 10m "$@" || status=1
done

install/summarize-tests.sh TestResults tests || status=1
exit $status
