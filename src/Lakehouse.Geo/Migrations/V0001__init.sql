-- Lakehouse.Geo: first migration.
CREATE EXTENSION IF NOT EXISTS postgis;
CREATE SCHEMA IF NOT EXISTS scout;
