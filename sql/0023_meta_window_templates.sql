-- Meta's window, templates, marketing opt-out and portfolio budget (issue 22). Expand-only: new columns and tables.
-- A message may carry a template beside its text: a Meta chip outside the doctor's 24-hour window sends the template,
-- any other chip (or inside the window) the text.
ALTER TABLE messages
    ADD COLUMN template_name       text CHECK (length(template_name) BETWEEN 1 AND 512),
    ADD COLUMN template_language   text CHECK (length(template_language) BETWEEN 2 AND 15),
    ADD COLUMN template_parameters text[];

-- "Stop promotions" (user_preferences stop, or 131050): marketing templates stop for this doctor on every chip and
-- provider; "resume" clears it. Apart from opted_out_at (PARE/SAIR), which it never touches.
ALTER TABLE contacts
    ADD COLUMN marketing_opted_out_at timestamptz,
    ADD COLUMN marketing_opt_source   text;

-- The templates of each WABA, synced from GET /{waba}/message_templates and kept current by the template webhooks.
-- Only APPROVED ones are sent.
CREATE TABLE meta_templates (
    waba_id             text NOT NULL,
    name                text NOT NULL,
    language            text NOT NULL,
    template_id         text,
    category            text NOT NULL,
    previous_category   text,
    pending_category    text,
    status              text NOT NULL,
    status_reason       text,
    parameter_count     int NOT NULL DEFAULT 0,
    body                text,
    synced_at           timestamptz,
    updated_at          timestamptz NOT NULL,
    PRIMARY KEY (waba_id, name, language)
);
CREATE INDEX meta_templates_name ON meta_templates (name, language);

-- The doctors each business portfolio reached outside their window (template sends), for its rolling 24 h budget:
-- one row per doctor, its time moved forward when the doctor is reached again after 24 h.
CREATE TABLE meta_portfolio_reach (
    portfolio   text NOT NULL,
    contact     text NOT NULL,
    reached_at  timestamptz NOT NULL,
    PRIMARY KEY (portfolio, contact)
);
CREATE INDEX meta_portfolio_reach_at ON meta_portfolio_reach (portfolio, reached_at);
