#!/usr/bin/env bash
# Creates the circuitstream topics on a Kafka cluster. Idempotent: topics that already exist are
# left exactly as they are, so it is safe to run on every deployment.
#
# Usage: kafka/create-topics.sh --bootstrap-server HOST:PORT [--topics FILE] [--command-config FILE] [--java]
#
#   --bootstrap-server HOST:PORT   the cluster (required)
#   --topics FILE                  topics file (default: kafka/topics.properties next to this script)
#   --command-config FILE          client properties for a secured cluster (TLS, SASL), passed to kafka-topics.sh
#   --java                         use the project's jar even if Kafka's tools are installed
#
# With Kafka's own kafka-topics.sh (or Confluent's kafka-topics) on PATH, it runs that once per
# topic with --create --if-not-exists (and --command-config when given). Otherwise it runs the
# project's jar (build it first with `mvn -q package -DskipTests`):
# `circuitstream broker --bootstrap-servers HOST:PORT --topics FILE`, which creates the missing
# topics through Kafka's Admin API; that way has no client options, so --command-config needs
# kafka-topics.sh. Tested with Kafka 4.4's kafka-topics (CreateTopicsScriptTest).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
ids=(images predictions ood-alerts images-dlq labelled-images models)

usage() {
  sed -n '5,11p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
}

die() {
  echo "create-topics.sh: $*" >&2
  exit 2
}

bootstrap=""
topics="$here/topics.properties"
command_config=""
force_java=0
while [ $# -gt 0 ]; do
  case "$1" in
    --bootstrap-server | --bootstrap-servers)
      [ $# -ge 2 ] || die "$1 needs HOST:PORT"
      bootstrap="$2"
      shift 2
      ;;
    --bootstrap-server=* | --bootstrap-servers=*) bootstrap="${1#*=}"; shift ;;
    --topics)
      [ $# -ge 2 ] || die "--topics needs a file"
      topics="$2"
      shift 2
      ;;
    --topics=*) topics="${1#*=}"; shift ;;
    --command-config)
      [ $# -ge 2 ] || die "--command-config needs a file"
      command_config="$2"
      shift 2
      ;;
    --command-config=*) command_config="${1#*=}"; shift ;;
    --java) force_java=1; shift ;;
    -h | --help) usage; exit 0 ;;
    *) usage >&2; die "unknown argument '$1'" ;;
  esac
done
[ -n "$bootstrap" ] || { usage >&2; die "--bootstrap-server HOST:PORT is required"; }
[ -r "$topics" ] || die "cannot read the topics file $topics"
[ -z "$command_config" ] || [ -r "$command_config" ] || die "cannot read the client config $command_config"

# Prints the value of KEY in the topics file (last one wins), or nothing.
prop() {
  local key="$1" line value=""
  while IFS= read -r line || [ -n "$line" ]; do
    line="${line#"${line%%[![:space:]]*}"}"
    case "$line" in '' | '#'* | '!'*) continue ;; esac
    if [ "${line%%=*}" = "$key" ]; then
      value="${line#*=}"
    fi
  done <"$topics"
  printf '%s' "${value%"${value##*[![:space:]]}"}"
}

# Prints the k=v topic configs of topic ID, one per line.
configs() {
  local prefix="topic.$1.config." line
  while IFS= read -r line || [ -n "$line" ]; do
    line="${line#"${line%%[![:space:]]*}"}"
    case "$line" in "$prefix"*) printf '%s\n' "${line#"$prefix"}" ;; esac
  done <"$topics"
}

with_kafka_tools() {
  local tool="$1" id name partitions replication created=() existing=()
  for id in "${ids[@]}"; do
    name="$(prop "topic.$id.name")"
    partitions="$(prop "topic.$id.partitions")"
    replication="$(prop "topic.$id.replication.factor")"
    [ -n "$name" ] && [ -n "$partitions" ] ||
      die "$topics lacks topic.$id.name or topic.$id.partitions; $tool needs every topic spelt out as in kafka/topics.properties (or use --java, which applies the built-in defaults)"
    local args=(--bootstrap-server "$bootstrap" --create --if-not-exists --topic "$name" --partitions "$partitions")
    [ -z "$command_config" ] || args+=(--command-config "$command_config")
    if [ -n "$replication" ] && [ "$replication" != default ]; then
      args+=(--replication-factor "$replication")
    fi
    local config
    while IFS= read -r config; do
      [ -n "$config" ] && args+=(--config "$config")
    done < <(configs "$id")
    local out
    out="$("$tool" "${args[@]}")" || die "$tool failed for topic $name"
    if printf '%s' "$out" | grep -q "Created topic"; then created+=("$name"); else existing+=("$name"); fi
  done
  local summary=""
  [ ${#created[@]} -eq 0 ] || summary="$(IFS=,; echo "${created[*]}" | sed 's/,/, /g') (created)"
  [ ${#existing[@]} -eq 0 ] || summary="${summary:+$summary, }$(IFS=,; echo "${existing[*]}" | sed 's/,/, /g') (already there)"
  echo "Topics on $bootstrap: $summary"
}

with_java() {
  [ -z "$command_config" ] ||
    die "--command-config needs Kafka's kafka-topics.sh on PATH; the project's jar takes no client options"
  local jar="$root/target/circuitstream.jar"
  [ -r "$jar" ] && [ -d "$root/target/lib" ] ||
    die "no Kafka tools on PATH and no $jar; build it with: (cd $root && mvn -q package -DskipTests)"
  exec java -cp "$jar:$root/target/lib/*" io.circuitstream.app.BrokerCommand \
    --bootstrap-servers "$bootstrap" --topics "$topics"
}

tool=""
if [ "$force_java" -eq 0 ]; then
  tool="$(command -v kafka-topics.sh || command -v kafka-topics || true)"
fi
if [ -n "$tool" ]; then
  with_kafka_tools "$tool"
else
  with_java
fi
