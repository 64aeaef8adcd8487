-- Numbers on Meta's WhatsApp Cloud API (issue 22): what a chip with provider 'meta' has beside its chips row. The chip's
-- instance is its phone number id (the routing key of message webhooks) and its instance_token the system-user token;
-- the rest is here, one row per Meta chip, so the hot chips row stays as it is. Webhooks route by phone number id,
-- display number (quality and name events carry no phone number id), WABA (account and template events) or business
-- portfolio (account alerts): each has an index.
CREATE TABLE meta_chips (
    chip_id          bigint PRIMARY KEY REFERENCES chips (id),
    phone_number_id  text NOT NULL UNIQUE CHECK (length(phone_number_id) BETWEEN 1 AND 64),
    display_number   text NOT NULL CHECK (display_number ~ '^[0-9]{8,15}$'),  -- digits, no '+', as Meta writes it
    waba_id          text NOT NULL CHECK (length(waba_id) BETWEEN 1 AND 64),
    portfolio_id     text CHECK (length(portfolio_id) BETWEEN 1 AND 64),
    app_secret       text,                                                   -- secret: never logged, never in the API
    graph_version    text NOT NULL DEFAULT 'v26.0' CHECK (graph_version ~ '^v[0-9]{2,3}\.0$'),
    created_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX meta_chips_display ON meta_chips (display_number);
CREATE INDEX meta_chips_waba ON meta_chips (waba_id);
CREATE INDEX meta_chips_portfolio ON meta_chips (portfolio_id) WHERE portfolio_id IS NOT NULL;
