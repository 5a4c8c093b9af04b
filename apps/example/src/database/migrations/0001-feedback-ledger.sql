-- The job's own tables (the ledger). Safe to put beside the merchant's tables: every name starts with feedback_.

-- One row per run: the China-time day it reported, how it ended, and its receipt (the same JSON it prints).
CREATE TABLE feedback_runs (
  run_id        bigserial PRIMARY KEY,
  app_id        text NOT NULL,
  reporting_day date NOT NULL,
  status        text NOT NULL CHECK (status IN ('running', 'succeeded', 'partial', 'failed', 'interrupted')),
  started_at    timestamptz NOT NULL DEFAULT now(),
  finished_at   timestamptz,
  exit_code     integer,
  receipt       jsonb
);
CREATE INDEX feedback_runs_by_day ON feedback_runs (app_id, reporting_day);

-- One row per uploaded file (part). Written as 'sending' before the upload, so a crash leaves a trace;
-- 'accepted' only with the gateway's verified 10000.
CREATE TABLE feedback_parts (
  run_id      bigint NOT NULL REFERENCES feedback_runs,
  part_no     integer NOT NULL,
  file_name   text NOT NULL,
  sha256      text NOT NULL,
  records     integer NOT NULL,
  bytes       integer NOT NULL,
  first_key   text NOT NULL,
  last_key    text NOT NULL,
  outcome     text NOT NULL CHECK (outcome IN ('sending', 'accepted', 'refused', 'unverified', 'not-answered', 'not-sent', 'interrupted')),
  code        text,
  sub_code    text,
  detail      text,
  task_id     text,
  trace_id    text,
  request_id  text,
  started_at  timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz,
  PRIMARY KEY (run_id, part_no)
);

-- Per primary key, the version the gateway last accepted: its content hash decides what is resent, and
-- the record itself is what Zhima holds about the person (for disputes, and for the status-change rule).
CREATE TABLE feedback_reported (
  app_id         text NOT NULL,
  record_key     text NOT NULL,
  content_sha256 text NOT NULL,
  record         jsonb NOT NULL,
  run_id         bigint NOT NULL,
  part_no        integer NOT NULL,
  reported_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (app_id, record_key),
  FOREIGN KEY (run_id, part_no) REFERENCES feedback_parts
);

-- Records held back by the template rules or the consistency checks, with masked reasons. A row stays
-- open (resolved_at NULL) until the record is fixed at the source and accepted, or goes back to the
-- version already reported; each new episode is a new row.
CREATE TABLE feedback_quarantine (
  quarantine_id  bigserial PRIMARY KEY,
  app_id         text NOT NULL,
  record_key     text NOT NULL,
  content_sha256 text NOT NULL,
  record         jsonb NOT NULL,
  reasons        jsonb NOT NULL,
  first_seen_day date NOT NULL,
  first_seen_at  timestamptz NOT NULL DEFAULT now(),
  last_seen_run  bigint NOT NULL REFERENCES feedback_runs,
  resolved_at    timestamptz,
  resolved_run   bigint REFERENCES feedback_runs,
  resolution     text CHECK (resolution IN ('sent', 'reverted'))
);
CREATE UNIQUE INDEX feedback_quarantine_open ON feedback_quarantine (app_id, record_key) WHERE resolved_at IS NULL;
