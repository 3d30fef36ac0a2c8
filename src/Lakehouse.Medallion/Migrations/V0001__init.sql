-- Lakehouse.Medallion: first migration.
CREATE SCHEMA IF NOT EXISTS scout;
