#!/bin/sh
# The official postgres image's entrypoint contract as the chart uses it, in POSIX sh (test/images/README.md):
# after docker-library/postgres 18/trixie/docker-entrypoint.sh, function for function.
# -e only, as the official script: sourced init scripts run in this shell and may read unset variables.
set -e

# The *_FILE variants and a few settings the chart never uses: refused aloud rather than ignored.
refuse_unsupported() {
	for var in POSTGRES_PASSWORD_FILE POSTGRES_USER_FILE POSTGRES_DB_FILE POSTGRES_INITDB_ARGS_FILE POSTGRES_INITDB_WALDIR; do
		if eval "[ -n \"\${$var:-}\" ]"; then
			printf >&2 'error: %s is not supported by this stand-in of the postgres image\n' "$var"
			exit 1
		fi
	done
}

# docker_setup_env: the defaults the official image applies, exported for the init scripts.
docker_setup_env() {
	: "${POSTGRES_PASSWORD:=}" "${POSTGRES_USER:=postgres}"
	: "${POSTGRES_DB:=$POSTGRES_USER}" "${POSTGRES_INITDB_ARGS:=}" "${POSTGRES_HOST_AUTH_METHOD:=}"
	export POSTGRES_PASSWORD POSTGRES_USER POSTGRES_DB POSTGRES_INITDB_ARGS
	DATABASE_ALREADY_EXISTS=
	if [ -s "$PGDATA/PG_VERSION" ]; then
		DATABASE_ALREADY_EXISTS=true
	fi
}

# docker_create_db_directories: PGDATA (0700) and the socket directory; as root, owned by postgres.
docker_create_db_directories() {
	mkdir -p "$PGDATA"
	chmod 00700 "$PGDATA" || :
	mkdir -p /var/run/postgresql || :
	chmod 03775 /var/run/postgresql || :
	if [ "$(id -u)" = 0 ]; then
		find "$PGDATA" \! -user postgres -exec chown postgres '{}' +
		find /var/run/postgresql \! -user postgres -exec chown postgres '{}' +
	fi
}

# docker_verify_minimum_env: a superuser password, unless every connection is trusted on purpose.
docker_verify_minimum_env() {
	if [ -z "$POSTGRES_PASSWORD" ] && [ "$POSTGRES_HOST_AUTH_METHOD" != trust ]; then
		printf >&2 '%s\n' 'Error: Database is uninitialized and superuser password is not specified.' \
			'       You must specify POSTGRES_PASSWORD to a non-empty value for the superuser.'
		exit 1
	fi
}

# docker_init_database_dir: initdb with POSTGRES_INITDB_ARGS (word-split as the official image's eval does).
docker_init_database_dir() {
	if ! getent passwd "$(id -u)" > /dev/null; then
		printf >&2 'error: uid %s has no passwd entry; run as postgres (999) or root (this stand-in has no nss_wrapper)\n' "$(id -u)"
		exit 1
	fi
	# --pwfile refuses a properly empty file, hence the newline (docker-library/postgres#1025).
	printf '%s\n' "$POSTGRES_PASSWORD" | eval 'initdb --username="$POSTGRES_USER" --pwfile=/dev/stdin '"$POSTGRES_INITDB_ARGS"
}

# pg_setup_hba_conf: every host connection with the configured password encryption (scram-sha-256).
pg_setup_hba_conf() {
	auth="$(postgres -C password_encryption "$@")"
	: "${POSTGRES_HOST_AUTH_METHOD:=$auth}"
	printf '\nhost all all all %s\n' "$POSTGRES_HOST_AUTH_METHOD" >> "$PGDATA/pg_hba.conf"
}

# One argument quoted for the shell that pg_ctl hands postgres's options to.
shell_quote() {
	printf "'%s' " "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")"
}

# docker_temp_server_start: the arguments given to postgres, listening on the Unix socket only.
docker_temp_server_start() {
	options=
	for arg; do
		options="$options$(shell_quote "$arg")"
	done
	NOTIFY_SOCKET='' PGUSER="${PGUSER:-$POSTGRES_USER}" \
		pg_ctl -D "$PGDATA" -o "$options-c listen_addresses='' -p ${PGPORT:-5432}" -w start
}

docker_temp_server_stop() {
	PGUSER="${PGUSER:-postgres}" pg_ctl -D "$PGDATA" -m fast -w stop
}

# psql as the superuser over the image's socket (the official docker_process_sql's query runner).
superuser_psql() {
	PGHOST=/var/run/postgresql PGHOSTADDR='' psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --no-password --no-psqlrc "$@"
}

# docker_process_sql: on POSTGRES_DB.
docker_process_sql() {
	if [ -n "$POSTGRES_DB" ]; then
		set -- --dbname "$POSTGRES_DB" "$@"
	fi
	superuser_psql "$@"
}

# docker_setup_db: POSTGRES_DB, unless it exists (postgres always does).
docker_setup_db() {
	exists="$(superuser_psql --dbname postgres --set db="$POSTGRES_DB" --tuples-only <<-'EOSQL'
		SELECT 1 FROM pg_database WHERE datname = :'db' ;
	EOSQL
	)"
	if [ -z "$exists" ]; then
		superuser_psql --dbname postgres --set db="$POSTGRES_DB" <<-'EOSQL'
			CREATE DATABASE :"db" ;
		EOSQL
	fi
}

# docker_process_init_files: executable *.sh run, others sourced (here by sh, not bash); *.sql and *.sql.gz through psql.
docker_process_init_files() {
	printf '\n'
	for f; do
		[ -e "$f" ] || continue
		case "$f" in
			*.sh)
				if [ -x "$f" ]; then
					printf '%s: running %s\n' "$0" "$f"
					"$f"
				else
					printf '%s: sourcing %s\n' "$0" "$f"
					# shellcheck disable=SC1090 # the init scripts are the deployer's
					. "$f"
				fi
				;;
			*.sql) printf '%s: running %s\n' "$0" "$f"; docker_process_sql -f "$f"; printf '\n' ;;
			*.sql.gz) printf '%s: running %s\n' "$0" "$f"; gunzip -c "$f" | docker_process_sql; printf '\n' ;;
			*.sql.xz | *.sql.zst) printf >&2 'error: %s: this stand-in has no xz or zstd\n' "$f"; exit 1 ;;
			*) printf '%s: ignoring %s\n' "$0" "$f" ;;
		esac
		printf '\n'
	done
}

# _pg_want_help: options after which postgres only prints and exits.
_pg_want_help() {
	for arg; do
		case "$arg" in
			-'?' | --help | --describe-config | -V | --version) return 0 ;;
		esac
	done
	return 1
}

_main() {
	case "${1:-}" in
		-*) set -- postgres "$@" ;;
	esac
	if [ "${1:-}" = postgres ] && ! _pg_want_help "$@"; then
		refuse_unsupported
		docker_setup_env
		docker_create_db_directories
		if [ "$(id -u)" = 0 ]; then
			# The official image steps down with gosu; util-linux's setpriv does the same here.
			exec setpriv --reuid=postgres --regid=postgres --init-groups "$0" "$@"
		fi
		if [ -z "$DATABASE_ALREADY_EXISTS" ]; then
			docker_verify_minimum_env
			# Fails now, not halfway, when the scripts' directory cannot be read.
			ls /docker-entrypoint-initdb.d/ > /dev/null
			docker_init_database_dir
			shift
			pg_setup_hba_conf "$@"
			export PGPASSWORD="${PGPASSWORD:-$POSTGRES_PASSWORD}"
			docker_temp_server_start "$@"
			docker_setup_db
			docker_process_init_files /docker-entrypoint-initdb.d/*
			docker_temp_server_stop
			unset PGPASSWORD
			set -- postgres "$@"
			printf '\nPostgreSQL init process complete; ready for start up.\n\n'
		else
			printf '\nPostgreSQL Database directory appears to contain a database; Skipping initialization\n\n'
		fi
	fi
	exec "$@"
}

_main "$@"
