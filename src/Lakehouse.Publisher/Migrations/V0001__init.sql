-- Lakehouse.Publisher: first migration.
CREATE SCHEMA IF NOT EXISTS publisher;
