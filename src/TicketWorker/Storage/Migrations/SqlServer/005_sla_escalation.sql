-- TicketWorker schema 5 (SQL Server): SLA due times on tickets, the escalation record, the scan's
-- indexes, and the tables of Quartz's clustered ADO.NET job store (prefix qrtz_; created here by our
-- own migration rather than by Quartz). The indexes on the new columns run through EXEC: the batch
-- is compiled before ALTER TABLE has added them.

ALTER TABLE tickets ADD first_response_due_at datetime2(7) NULL, resolution_due_at datetime2(7) NULL,
    sla_paused_at datetime2(7) NULL, sla_paused_seconds bigint NOT NULL DEFAULT 0,
    pending_since datetime2(7) NULL, escalation_check_at datetime2(7) NULL;

EXEC('CREATE INDEX ix_tickets_escalation_check ON tickets (escalation_check_at) WHERE escalation_check_at IS NOT NULL');
EXEC('CREATE INDEX ix_tickets_pending_since ON tickets (pending_since) WHERE pending_since IS NOT NULL');
EXEC('CREATE INDEX ix_tickets_resolution_due ON tickets (status, resolution_due_at)');

CREATE TABLE escalations (
    ticket_id bigint NOT NULL REFERENCES tickets (id),
    level int NOT NULL,
    fired_at datetime2(7) NOT NULL,
    worker nvarchar(200) NOT NULL,
    reason nvarchar(max) NOT NULL,
    PRIMARY KEY (ticket_id, level)
);

-- Quartz job store.
CREATE TABLE qrtz_job_details (
    sched_name nvarchar(120) NOT NULL,
    job_name nvarchar(150) NOT NULL,
    job_group nvarchar(150) NOT NULL,
    description nvarchar(250) NULL,
    job_class_name nvarchar(250) NOT NULL,
    is_durable bit NOT NULL,
    is_nonconcurrent bit NOT NULL,
    is_update_data bit NOT NULL,
    requests_recovery bit NOT NULL,
    job_data varbinary(max) NULL,
    PRIMARY KEY (sched_name, job_name, job_group)
);
CREATE TABLE qrtz_triggers (
    sched_name nvarchar(120) NOT NULL,
    trigger_name nvarchar(150) NOT NULL,
    trigger_group nvarchar(150) NOT NULL,
    job_name nvarchar(150) NOT NULL,
    job_group nvarchar(150) NOT NULL,
    description nvarchar(250) NULL,
    next_fire_time bigint NULL,
    prev_fire_time bigint NULL,
    priority int NULL,
    trigger_state nvarchar(16) NOT NULL,
    trigger_type nvarchar(8) NOT NULL,
    start_time bigint NOT NULL,
    end_time bigint NULL,
    calendar_name nvarchar(200) NULL,
    misfire_instr int NULL,
    misfire_orig_fire_time bigint NULL,
    execution_group nvarchar(200) NULL,
    preferred_node nvarchar(200) NULL,
    preferred_node_auto bit NOT NULL DEFAULT 0,
    retry_policy nvarchar(250) NULL,
    retry_attempt int NULL,
    continues_trigger_name nvarchar(150) NULL,
    continues_trigger_group nvarchar(150) NULL,
    continuation_condition int NULL,
    overlap_policy int NULL,
    pause_reason nvarchar(250) NULL,
    paused_by nvarchar(200) NULL,
    paused_at bigint NULL,
    misfire_threshold bigint NULL,
    fixed_delay bit NULL,
    job_data varbinary(max) NULL,
    PRIMARY KEY (sched_name, trigger_name, trigger_group),
    FOREIGN KEY (sched_name, job_name, job_group) REFERENCES qrtz_job_details (sched_name, job_name, job_group)
);
CREATE TABLE qrtz_simple_triggers (
    sched_name nvarchar(120) NOT NULL,
    trigger_name nvarchar(150) NOT NULL,
    trigger_group nvarchar(150) NOT NULL,
    repeat_count bigint NOT NULL,
    repeat_interval bigint NOT NULL,
    times_triggered bigint NOT NULL,
    PRIMARY KEY (sched_name, trigger_name, trigger_group),
    FOREIGN KEY (sched_name, trigger_name, trigger_group) REFERENCES qrtz_triggers (sched_name, trigger_name, trigger_group) ON DELETE CASCADE
);
CREATE TABLE qrtz_cron_triggers (
    sched_name nvarchar(120) NOT NULL,
    trigger_name nvarchar(150) NOT NULL,
    trigger_group nvarchar(150) NOT NULL,
    cron_expression nvarchar(120) NOT NULL,
    time_zone_id nvarchar(80) NULL,
    PRIMARY KEY (sched_name, trigger_name, trigger_group),
    FOREIGN KEY (sched_name, trigger_name, trigger_group) REFERENCES qrtz_triggers (sched_name, trigger_name, trigger_group) ON DELETE CASCADE
);
CREATE TABLE qrtz_simprop_triggers (
    sched_name nvarchar(120) NOT NULL,
    trigger_name nvarchar(150) NOT NULL,
    trigger_group nvarchar(150) NOT NULL,
    str_prop_1 nvarchar(512) NULL,
    str_prop_2 nvarchar(512) NULL,
    str_prop_3 nvarchar(512) NULL,
    int_prop_1 int NULL,
    int_prop_2 int NULL,
    long_prop_1 bigint NULL,
    long_prop_2 bigint NULL,
    dec_prop_1 numeric(13,4) NULL,
    dec_prop_2 numeric(13,4) NULL,
    bool_prop_1 bit NULL,
    bool_prop_2 bit NULL,
    time_zone_id nvarchar(80) NULL,
    PRIMARY KEY (sched_name, trigger_name, trigger_group),
    FOREIGN KEY (sched_name, trigger_name, trigger_group) REFERENCES qrtz_triggers (sched_name, trigger_name, trigger_group) ON DELETE CASCADE
);
CREATE TABLE qrtz_blob_triggers (
    sched_name nvarchar(120) NOT NULL,
    trigger_name nvarchar(150) NOT NULL,
    trigger_group nvarchar(150) NOT NULL,
    blob_data varbinary(max) NULL,
    PRIMARY KEY (sched_name, trigger_name, trigger_group),
    FOREIGN KEY (sched_name, trigger_name, trigger_group) REFERENCES qrtz_triggers (sched_name, trigger_name, trigger_group) ON DELETE CASCADE
);
CREATE TABLE qrtz_calendars (
    sched_name nvarchar(120) NOT NULL,
    calendar_name nvarchar(200) NOT NULL,
    calendar varbinary(max) NOT NULL,
    PRIMARY KEY (sched_name, calendar_name)
);
CREATE TABLE qrtz_paused_trigger_grps (
    sched_name nvarchar(120) NOT NULL,
    trigger_group nvarchar(150) NOT NULL,
    pause_reason nvarchar(250) NULL,
    paused_by nvarchar(200) NULL,
    paused_at bigint NULL,
    PRIMARY KEY (sched_name, trigger_group)
);
CREATE TABLE qrtz_paused_job_grps (
    sched_name nvarchar(120) NOT NULL,
    job_group nvarchar(150) NOT NULL,
    pause_reason nvarchar(250) NULL,
    paused_by nvarchar(200) NULL,
    paused_at bigint NULL,
    PRIMARY KEY (sched_name, job_group)
);
CREATE TABLE qrtz_fired_triggers (
    sched_name nvarchar(120) NOT NULL,
    entry_id nvarchar(140) NOT NULL,
    trigger_name nvarchar(150) NOT NULL,
    trigger_group nvarchar(150) NOT NULL,
    instance_name nvarchar(200) NOT NULL,
    fired_time bigint NOT NULL,
    sched_time bigint NOT NULL,
    priority int NOT NULL,
    state nvarchar(16) NOT NULL,
    job_name nvarchar(150) NULL,
    job_group nvarchar(150) NULL,
    is_nonconcurrent bit NOT NULL,
    requests_recovery bit NULL,
    execution_group nvarchar(200) NULL,
    progress int NULL,
    progress_message nvarchar(250) NULL,
    interrupt_requested_time bigint NULL,
    PRIMARY KEY (sched_name, entry_id)
);
CREATE TABLE qrtz_scheduler_state (
    sched_name nvarchar(120) NOT NULL,
    instance_name nvarchar(200) NOT NULL,
    last_checkin_time bigint NOT NULL,
    checkin_interval bigint NOT NULL,
    quartz_version nvarchar(20) NULL,
    PRIMARY KEY (sched_name, instance_name)
);
CREATE TABLE qrtz_locks (
    sched_name nvarchar(120) NOT NULL,
    lock_name nvarchar(40) NOT NULL,
    PRIMARY KEY (sched_name, lock_name)
);
CREATE TABLE qrtz_execution_history (
    sched_name nvarchar(120) NOT NULL,
    entry_id nvarchar(140) NOT NULL,
    instance_name nvarchar(200) NOT NULL,
    job_name nvarchar(150) NOT NULL,
    job_group nvarchar(150) NOT NULL,
    trigger_name nvarchar(150) NOT NULL,
    trigger_group nvarchar(150) NOT NULL,
    fired_time bigint NOT NULL,
    run_time bigint NOT NULL,
    succeeded bit NOT NULL,
    error_message nvarchar(1000) NULL,
    retry_attempt int NOT NULL DEFAULT 0,
    retry_scheduled bit NOT NULL DEFAULT 0,
    execution_log nvarchar(max) NULL,
    result int NULL,
    summary nvarchar(1000) NULL,
    metrics nvarchar(max) NULL,
    manual bit NULL,
    fire_instance_id nvarchar(140) NULL,
    job_input nvarchar(max) NULL,
    job_input_too_large bit NULL,
    PRIMARY KEY (sched_name, entry_id)
);
CREATE TABLE qrtz_misfire_history (
    sched_name nvarchar(120) NOT NULL,
    entry_id nvarchar(140) NOT NULL,
    instance_name nvarchar(200) NOT NULL,
    trigger_name nvarchar(150) NOT NULL,
    trigger_group nvarchar(150) NOT NULL,
    job_name nvarchar(150) NULL,
    job_group nvarchar(150) NULL,
    misfire_time bigint NOT NULL,
    sched_time bigint NULL,
    reason int NULL,
    PRIMARY KEY (sched_name, entry_id)
);
CREATE TABLE qrtz_job_status (
    sched_name nvarchar(120) NOT NULL,
    job_group nvarchar(150) NOT NULL,
    job_name nvarchar(150) NOT NULL,
    first_fired_time bigint NOT NULL,
    last_fired_time bigint NOT NULL,
    last_result int NOT NULL,
    last_run_time bigint NOT NULL,
    last_instance_name nvarchar(200) NOT NULL,
    last_entry_id nvarchar(140) NULL,
    last_summary nvarchar(1000) NULL,
    last_success_time bigint NULL,
    last_failure_time bigint NULL,
    last_failure_message nvarchar(1000) NULL,
    consecutive_failures int NOT NULL DEFAULT 0,
    run_count bigint NOT NULL DEFAULT 0,
    failure_count bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (sched_name, job_group, job_name)
);
CREATE INDEX ix_qrtz_j_g_n ON qrtz_job_details (sched_name, job_group, job_name);
CREATE INDEX ix_qrtz_t_j ON qrtz_triggers (sched_name, job_name, job_group);
CREATE INDEX ix_qrtz_t_g_n ON qrtz_triggers (sched_name, trigger_group, trigger_name);
CREATE INDEX ix_qrtz_t_c ON qrtz_triggers (sched_name, calendar_name);
CREATE INDEX ix_qrtz_t_nft_st ON qrtz_triggers (sched_name, trigger_state, next_fire_time, priority DESC, misfire_instr);
CREATE INDEX ix_qrtz_ft_inst_job_req_rcvry ON qrtz_fired_triggers (sched_name, instance_name, requests_recovery);
CREATE INDEX ix_qrtz_ft_j_g ON qrtz_fired_triggers (sched_name, job_name, job_group);
CREATE INDEX ix_qrtz_ft_t_g ON qrtz_fired_triggers (sched_name, trigger_name, trigger_group);
CREATE INDEX ix_qrtz_eh_fired_time ON qrtz_execution_history (sched_name, fired_time);
CREATE INDEX ix_qrtz_eh_inst ON qrtz_execution_history (sched_name, instance_name);
CREATE INDEX ix_qrtz_mh_misfire_time ON qrtz_misfire_history (sched_name, misfire_time);
CREATE INDEX ix_qrtz_mh_inst ON qrtz_misfire_history (sched_name, instance_name);
CREATE INDEX ix_qrtz_eh_job_time ON qrtz_execution_history (sched_name, job_group, job_name, fired_time);
CREATE INDEX ix_qrtz_eh_fire_inst ON qrtz_execution_history (sched_name, fire_instance_id);
CREATE INDEX ix_qrtz_eh_trig_time ON qrtz_execution_history (sched_name, trigger_group, trigger_name, fired_time);
