-- Lakehouse.Geo: boundary polygons (PostGIS), names after the source design's geo_adm* tables.
-- Keys are PSGC codes (10 digits, text). Loaded and kept up to date by BoundaryImporter (upserts);
-- the *_gen tables hold topology-preserving simplified copies for maps and quick overlays.
CREATE EXTENSION IF NOT EXISTS postgis;
CREATE SCHEMA IF NOT EXISTS scout;

CREATE TABLE IF NOT EXISTS scout.geo_adm1_region (
    region_psgc   text PRIMARY KEY,
    region_name   text NOT NULL,
    short_name    text,
    island_group  text,
    geom          geometry(MULTIPOLYGON, 4326) NOT NULL,
    area_sqkm     numeric(10,2),
    population    integer,
    source        text NOT NULL DEFAULT 'Natural Earth',
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS geo_adm1_region_geom_idx ON scout.geo_adm1_region USING gist (geom);

-- One row per province-level polygon: a province, a province composite (psgc_code NULL, feature_key = the
-- covered codes joined with '+'), an independent city, Pateros, or the unassigned minor islands.
-- province_psgc is the by-province roll-up key (a city's province); NULL for NCR units and composites.
CREATE TABLE IF NOT EXISTS scout.geo_adm2_province (
    feature_key    text PRIMARY KEY,
    psgc_code      text UNIQUE,
    province_name  text NOT NULL,
    kind           text NOT NULL CHECK (kind IN ('province', 'province-composite', 'huc', 'icc', 'city', 'municipality', 'unassigned')),
    region_psgc    text,
    province_psgc  text,
    covers         text[] NOT NULL DEFAULT '{}',
    note           text,
    geom           geometry(MULTIPOLYGON, 4326) NOT NULL,
    area_sqkm      numeric(10,2),
    population     integer,
    source         text NOT NULL DEFAULT 'Natural Earth',
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS geo_adm2_province_geom_idx ON scout.geo_adm2_province USING gist (geom);
CREATE INDEX IF NOT EXISTS geo_adm2_province_region_idx ON scout.geo_adm2_province (region_psgc);
CREATE INDEX IF NOT EXISTS geo_adm2_province_province_idx ON scout.geo_adm2_province (province_psgc);

-- City/municipality polygons: no redistributable data ships with the package, so this stays empty unless a
-- caller loads its own.
CREATE TABLE IF NOT EXISTS scout.geo_adm3_citymun (
    citymun_psgc   text PRIMARY KEY,
    citymun_name   text NOT NULL,
    province_psgc  text,
    region_psgc    text NOT NULL,
    geom           geometry(MULTIPOLYGON, 4326) NOT NULL,
    area_sqkm      numeric(10,2),
    population     integer,
    source         text,
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS geo_adm3_citymun_geom_idx ON scout.geo_adm3_citymun USING gist (geom);
CREATE INDEX IF NOT EXISTS geo_adm3_citymun_province_idx ON scout.geo_adm3_citymun (province_psgc);
CREATE INDEX IF NOT EXISTS geo_adm3_citymun_region_idx ON scout.geo_adm3_citymun (region_psgc);

-- Simplified copies (same keys), with the tolerance they were simplified at.
CREATE TABLE IF NOT EXISTS scout.geo_adm1_region_gen (
    region_psgc  text PRIMARY KEY REFERENCES scout.geo_adm1_region (region_psgc) ON DELETE CASCADE,
    geom         geometry(MULTIPOLYGON, 4326) NOT NULL,
    tolerance    double precision NOT NULL
);
CREATE INDEX IF NOT EXISTS geo_adm1_region_gen_geom_idx ON scout.geo_adm1_region_gen USING gist (geom);

CREATE TABLE IF NOT EXISTS scout.geo_adm2_province_gen (
    feature_key  text PRIMARY KEY REFERENCES scout.geo_adm2_province (feature_key) ON DELETE CASCADE,
    geom         geometry(MULTIPOLYGON, 4326) NOT NULL,
    tolerance    double precision NOT NULL
);
CREATE INDEX IF NOT EXISTS geo_adm2_province_gen_geom_idx ON scout.geo_adm2_province_gen USING gist (geom);

CREATE TABLE IF NOT EXISTS scout.geo_adm3_citymun_gen (
    citymun_psgc  text PRIMARY KEY REFERENCES scout.geo_adm3_citymun (citymun_psgc) ON DELETE CASCADE,
    geom          geometry(MULTIPOLYGON, 4326) NOT NULL,
    tolerance     double precision NOT NULL
);
CREATE INDEX IF NOT EXISTS geo_adm3_citymun_gen_geom_idx ON scout.geo_adm3_citymun_gen USING gist (geom);
