#!/usr/bin/env bash
# Adds up the TRX files of every test assembly and prints "N passed, N failed, N skipped".
# A test project without a TRX file (crashed test host, build error) counts as one failure,
# and so does a TRX whose run was aborted.
set -uo pipefail
results=${1:-TestResults}
projects=${2:-tests}
passed=0 failed=0 skipped=0
for proj in "$projects"/*/*.csproj; do
  name=$(basename "$proj" .csproj)
  trx="$results/$name.trx"
  if [ ! -s "$trx" ]; then
    echo "summarize-tests: no results for $name (test host crashed or did not run): counted as 1 failed" >&2
    failed=$((failed + 1)); continue
  fi
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
  if [ -z "$counters" ]; then
    echo "summarize-tests: $trx has no summary: counted as 1 failed" >&2
    failed=$((failed + 1)); continue
  fi
  get() { echo "$counters" | grep -o " $1=\"[0-9]*\"" | grep -o '[0-9]*' || echo 0; }
  p=$(get passed); f=$(get failed); e=$(get error); t=$(get timeout); a=$(get aborted)
  total=$(get total); executed=$(get executed)
  passed=$((passed + p)); failed=$((failed + f + e + t + a))
  skipped=$((skipped + total - executed))
  if grep -q 'outcome="Aborted"\|<ResultSummary outcome="Error"' "$trx"; then
    echo "summarize-tests: the run of $name was aborted: counted as 1 failed" >&2
    failed=$((failed + 1))
  fi
done
# The failed tests with the first 400 characters of their message, just above the summary line, so
# that the tail of a CI log says what failed (perl-base is part of every Debian/Ubuntu install).
for trx in "$results"/*.trx; do
  [ -s "$trx" ] || continue
  perl -0777 -ne '
    my %e = (lt => "<", gt => ">", amp => "&", quot => "\"", apos => "\x27");
    while (/<UnitTestResult\b([^>]*?)(?:\/>|>(.*?)<\/UnitTestResult>)/sg) {
      my ($attrs, $body) = ($1, $2 // "");
      next unless $attrs =~ /outcome="(?:Failed|Error|Timeout|Aborted)"/;
      my ($name) = $attrs =~ /testName="([^"]*)"/;
      my ($message) = $body =~ /<Message>(.*?)<\/Message>/s;
      $message //= "(no message)";
      for ($name, $message) { s/&(lt|gt|amp|quot|apos);/$e{$1}/g; s/&#(\d+);/chr($1)/ge; s/\s+/ /g; }
      print "FAILED $name: ", substr($message, 0, 400), "\n";
    }' "$trx" 2>/dev/null || true
done
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
