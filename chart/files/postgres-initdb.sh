#!/usr/bin/env bash
# Creates the API's role, without superuser, CREATEDB or CREATEROLE, as the owner of its database.
# The official image runs this once, as the superuser, on an empty volume (/docker-entrypoint-initdb.d),
# against its socket-only first-start server; PGPASSWORD, POSTGRES_USER and POSTGRES_DB are set by it.
set -Eeuo pipefail
: "${WIKI_DB_USER:?}" "${WIKI_DB_NAME:?}" "${WIKI_DB_PASSWORD:?}"
# The image's docker_process_sql; values come in through \getenv so none is on a command line.
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --no-password --no-psqlrc --dbname "$POSTGRES_DB" <<'SQL'
\getenv app_user WIKI_DB_USER
\getenv app_db WIKI_DB_NAME
\getenv app_password WIKI_DB_PASSWORD
CREATE ROLE :"app_user" LOGIN PASSWORD :'app_password' NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS;
CREATE DATABASE :"app_db" OWNER :"app_user";
REVOKE ALL ON DATABASE :"app_db" FROM PUBLIC;
SQL
