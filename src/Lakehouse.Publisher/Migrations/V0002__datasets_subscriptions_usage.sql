-- Lakehouse.Publisher: dataset version registry, subscriptions with their delivery log, usage events.
CREATE TABLE publisher.dataset_versions (
    dataset         text        NOT NULL,
    version         text        NOT NULL,
    manifest        jsonb       NOT NULL,
    rows            bigint      NOT NULL,
    bytes           bigint      NOT NULL,
    published_at    timestamptz NOT NULL,
    is_current      boolean     NOT NULL DEFAULT false,
    rolled_back_at  timestamptz,
    PRIMARY KEY (dataset, version)
);
-- At most one current version per dataset.
CREATE UNIQUE INDEX dataset_versions_one_current ON publisher.dataset_versions (dataset) WHERE is_current;

CREATE TABLE publisher.dataset_history (
    id              bigserial   PRIMARY KEY,
    dataset         text        NOT NULL,
    action          text        NOT NULL CHECK (action IN ('published', 'rolled_back')),
    version         text        NOT NULL,
    previous_version text,
    at              timestamptz NOT NULL
);

CREATE TABLE publisher.subscriptions (
    id              bigserial   PRIMARY KEY,
    subscriber      text        NOT NULL,
    url             text        NOT NULL,
    secret          text        NOT NULL,
    events          text[]      NOT NULL DEFAULT ARRAY['dataset.published', 'dataset.rolled_back'],
    datasets        text[],      -- null = every dataset
    active          boolean     NOT NULL DEFAULT true,
    created_at      timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE publisher.deliveries (
    id              bigserial   PRIMARY KEY,
    subscription_id bigint      NOT NULL REFERENCES publisher.subscriptions (id) ON DELETE CASCADE,
    webhook_id      text        NOT NULL UNIQUE,
    event_type      text        NOT NULL,
    dataset         text        NOT NULL,
    version         text        NOT NULL,
    body            text        NOT NULL,
    status          text        NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
    attempts        int         NOT NULL DEFAULT 0,
    last_status_code int,
    last_error      text,
    created_at      timestamptz NOT NULL,
    last_attempt_at timestamptz,
    next_attempt_at timestamptz,
    delivered_at    timestamptz
);
CREATE INDEX deliveries_pending ON publisher.deliveries (next_attempt_at) WHERE status = 'pending';
CREATE INDEX deliveries_subscription ON publisher.deliveries (subscription_id, delivered_at);

CREATE TABLE publisher.usage_events (
    id              bigserial   PRIMARY KEY,
    dataset         text        NOT NULL,
    version         text,
    consumer        text        NOT NULL,
    action          text        NOT NULL CHECK (action IN ('download', 'read', 'api_call')),
    bytes           bigint      NOT NULL DEFAULT 0 CHECK (bytes >= 0),
    at              timestamptz NOT NULL
);
CREATE INDEX usage_events_dataset_at ON publisher.usage_events (dataset, at);
CREATE INDEX usage_events_consumer_at ON publisher.usage_events (consumer, at);
