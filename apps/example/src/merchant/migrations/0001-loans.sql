-- STAND-IN for the merchant's own loan system: the demo and the tests create these tables; with your
-- database, the job only reads your tables through src/merchant/source-query.ts and never runs this file.
-- Instants are timestamptz (the job reads them in China time); money is in cents (fen).

-- One row per loan application, updated in place as it moves through approval and disbursement.
CREATE TABLE loans (
  loan_id         text PRIMARY KEY,
  borrower_name   text NOT NULL,
  -- 居民身份证号 as the borrower typed it: the odd one is mistyped, and the report must hold it back.
  id_number       text NOT NULL,
  status          text NOT NULL CHECK (status IN ('APPROVED', 'REJECTED', 'WITHDRAWN', 'DISBURSED')),
  principal_cents bigint NOT NULL CHECK (principal_cents >= 0),
  term_months     integer NOT NULL CHECK (term_months > 0),
  applied_at      timestamptz NOT NULL,
  disbursed_at    timestamptz,
  updated_at      timestamptz NOT NULL
);

-- The servicing state of each monthly instalment of a disbursed loan; the servicing batch ages the
-- overdue fields every night.
CREATE TABLE instalments (
  loan_id       text NOT NULL REFERENCES loans,
  due_month     text NOT NULL CHECK (due_month ~ '^[0-9]{4}-[0-9]{2}$'),
  due_date      date NOT NULL,
  due_cents     bigint NOT NULL,
  overdue_since date,
  overdue_days  integer NOT NULL DEFAULT 0,
  overdue_cents bigint NOT NULL DEFAULT 0,
  updated_at    timestamptz NOT NULL,
  PRIMARY KEY (loan_id, due_month)
);

-- What happened, in order: disbursements, repayments, overdue events and status changes.
CREATE TABLE repayment_events (
  event_id     bigserial PRIMARY KEY,
  loan_id      text NOT NULL REFERENCES loans,
  due_month    text,
  kind         text NOT NULL CHECK (kind IN ('disbursement', 'repayment', 'overdue', 'status-change')),
  amount_cents bigint NOT NULL DEFAULT 0,
  detail       text NOT NULL DEFAULT '',
  occurred_at  timestamptz NOT NULL
);
CREATE INDEX repayment_events_instalment ON repayment_events (loan_id, due_month, kind, occurred_at);
