"""A deterministic corpus of technical documentation chunks with paraphrased, labelled queries.

40 components x 25 operational tasks = 1,000 distinct chunks (250-400 bytes each), every one naming
its component, its task and the component's own settings. A query paraphrases a task for a
component (other words, an alias of the component) and is labelled with the chunk that answers it.
Used by the tests (retrieval among 1,000) and by bench/context_market.py (100,000 and the hit rate).
"""

from __future__ import annotations

import random
from dataclasses import dataclass


@dataclass(frozen=True)
class Component:
    name: str
    alias: str  # how a paraphrase names it
    port: int
    config: str
    service: str
    note: str


@dataclass(frozen=True)
class Task:
    title: str
    body: str  # formatted with the component's fields
    paraphrase: str  # a question in other words; {alias} is the component's alias


COMPONENTS = [
    Component("PostgreSQL", "our PostgreSQL database", 5432, "postgresql.conf", "postgres",
              "Changes to postgresql.conf need a reload; a few, like shared_buffers, need a restart."),
    Component("Redis", "the Redis cache", 6379, "redis.conf", "redis-server",
              "Redis is single-threaded for commands, so one slow command blocks every client."),
    Component("Kafka", "the Kafka brokers", 9092, "server.properties", "kafka",
              "Each broker reads server.properties at start; topic settings override broker defaults."),
    Component("RabbitMQ", "the RabbitMQ queues", 5672, "rabbitmq.conf", "rabbitmq-server",
              "Queues are mirrored across the cluster only when a policy says so."),
    Component("Elasticsearch", "the Elasticsearch cluster", 9200, "elasticsearch.yml", "elasticsearch",
              "Heap size should stay below 32 GB so the JVM keeps compressed object pointers."),
    Component("Nginx", "the nginx reverse proxy", 443, "nginx.conf", "nginx",
              "Test the configuration with nginx -t before every reload."),
    Component("HAProxy", "the HAProxy load balancer", 8404, "haproxy.cfg", "haproxy",
              "The stats page on port 8404 shows the health of every backend server."),
    Component("MySQL", "the MySQL server", 3306, "my.cnf", "mysqld",
              "InnoDB is the default engine; the buffer pool should hold the working set."),
    Component("MongoDB", "the MongoDB document store", 27017, "mongod.conf", "mongod",
              "A replica set needs an odd number of voting members to elect a primary."),
    Component("Cassandra", "the Cassandra ring", 9042, "cassandra.yaml", "cassandra",
              "Writes go to the commit log and the memtable first, then flush to SSTables."),
    Component("etcd", "the etcd key-value store", 2379, "etcd.conf.yml", "etcd",
              "etcd needs fast disks: fsync latency above 10 ms causes leader elections."),
    Component("Consul", "the Consul service mesh", 8500, "consul.hcl", "consul",
              "Servers form a Raft quorum; clients forward requests to them."),
    Component("Vault", "the HashiCorp Vault secrets server", 8200, "vault.hcl", "vault",
              "Vault starts sealed and needs a quorum of unseal keys after every restart."),
    Component("Prometheus", "the Prometheus monitoring server", 9090, "prometheus.yml", "prometheus",
              "Prometheus pulls metrics; short-lived jobs push through the Pushgateway instead."),
    Component("Grafana", "the Grafana dashboards", 3000, "grafana.ini", "grafana-server",
              "Dashboards and data sources can be provisioned from files in the provisioning folder."),
    Component("Jenkins", "the Jenkins CI controller", 8080, "jenkins.yaml", "jenkins",
              "Configuration as code loads jenkins.yaml at start-up."),
    Component("GitLab Runner", "the GitLab CI runners", 8093, "config.toml", "gitlab-runner",
              "Each runner polls GitLab for jobs; concurrent limits how many run at once."),
    Component("Kubernetes API server", "the Kubernetes API", 6443, "kube-apiserver.yaml", "kube-apiserver",
              "The API server is stateless; all cluster state lives in etcd."),
    Component("kubelet", "the kubelet on each node", 10250, "kubelet-config.yaml", "kubelet",
              "The kubelet evicts pods when the node runs short of memory or disk."),
    Component("Docker daemon", "the Docker engine daemon", 2376, "daemon.json", "dockerd",
              "Changes to daemon.json take effect after the daemon restarts."),
    Component("containerd", "the containerd runtime", 10010, "config.toml", "containerd",
              "containerd pulls images into its content store and unpacks them into snapshots."),
    Component("MinIO", "the MinIO object storage", 9000, "minio.env", "minio",
              "Erasure coding lets MinIO lose up to half of its drives and still serve reads."),
    Component("Ceph", "the Ceph storage cluster", 6789, "ceph.conf", "ceph-mon",
              "Placement groups spread objects over OSDs; too few cause hot spots."),
    Component("Keycloak", "the Keycloak identity provider", 8443, "keycloak.conf", "keycloak",
              "Realms isolate users, clients and roles from each other."),
    Component("OpenLDAP", "the OpenLDAP directory", 389, "slapd.conf", "slapd",
              "The directory schema must define every attribute an entry uses."),
    Component("Apache HTTP Server", "the Apache web server", 80, "httpd.conf", "httpd",
              "Modules are loaded with LoadModule lines in httpd.conf."),
    Component("Tomcat", "the Tomcat servlet container", 8009, "server.xml", "tomcat",
              "Each web application is deployed as a WAR file under webapps."),
    Component("Memcached", "the Memcached layer", 11211, "memcached.conf", "memcached",
              "Memcached evicts the least recently used items when memory is full."),
    Component("ClickHouse", "the ClickHouse analytics database", 8123, "config.xml", "clickhouse-server",
              "MergeTree tables merge parts in the background; too many parts slow inserts."),
    Component("InfluxDB", "InfluxDB time series", 8086, "influxdb.conf", "influxd",
              "Retention policies drop points older than their duration."),
    Component("Zookeeper", "the ZooKeeper coordination service", 2181, "zoo.cfg", "zookeeper",
              "An ensemble of three tolerates one failed node; five tolerate two."),
    Component("Airflow", "the Airflow scheduler", 8793, "airflow.cfg", "airflow-scheduler",
              "DAG files are parsed every few seconds; heavy imports at the top level slow the scheduler."),
    Component("Spark", "the Spark jobs", 7077, "spark-defaults.conf", "spark-master",
              "Executors cache partitions in memory and spill to disk when it runs out."),
    Component("Traefik", "the Traefik edge router", 8081, "traefik.toml", "traefik",
              "Routers match requests and hand them to services through middlewares."),
    Component("Envoy", "the Envoy sidecar proxy", 9901, "envoy.yaml", "envoy",
              "The admin interface on port 9901 exposes clusters, listeners and stats."),
    Component("Istio", "the Istio mesh", 15010, "istio-operator.yaml", "istiod",
              "istiod pushes configuration to every Envoy sidecar over xDS."),
    Component("Terraform", "Terraform infrastructure code", 0, "main.tf", "terraform",
              "The state file maps resources in the configuration to real objects."),
    Component("Ansible", "the Ansible playbooks", 22, "ansible.cfg", "ansible",
              "Playbooks run tasks over SSH in order, host by host in batches."),
    Component("Fluentd", "the Fluentd log collector", 24224, "fluent.conf", "fluentd",
              "Buffers hold chunks of events until the output plugin flushes them."),
    Component("OpenSearch", "the OpenSearch cluster", 9201, "opensearch.yml", "opensearch",
              "Index state management policies move indices between hot, warm and delete phases."),
]

TASKS = [
    Task("Rotate TLS certificates",
         "To rotate the TLS certificates of {name}, issue a new key pair and certificate, copy them next to "
         "{config}, point the certificate and key settings at the new files and reload {service}. Keep the old "
         "certificate until every client trusts the new chain.",
         "how do I renew the expiring TLS certs on {alias}"),
    Task("Back up and restore",
         "Back up {name} on a schedule and test a restore every month: stop writes or take a consistent snapshot, "
         "copy the data directory or dump, and store the copy off the host. A restore into a scratch {service} "
         "instance proves the backup is usable.",
         "procedure to back up {alias} and recover it from a copy"),
    Task("Tune memory limits",
         "Memory for {name} is set in {config}. Give it enough to hold the hot working set, leave room for the "
         "operating system page cache, and watch for swapping: a swapping {service} process is slower than one "
         "with a smaller cache.",
         "{alias} uses too much RAM, which setting caps its memory"),
    Task("Upgrade to a new major version",
         "Upgrade {name} one major version at a time. Read the release notes for removed settings in {config}, "
         "upgrade a staging copy first, then roll the upgrade through production nodes one by one, restarting "
         "{service} on each.",
         "steps for moving {alias} to the next major version safely"),
    Task("Monitor health and metrics",
         "Export the metrics of {name} to your monitoring system and alert on error rate, latency and saturation. "
         "The health endpoint on port {port} tells load balancers whether {service} can take traffic.",
         "which metrics and alerts should I watch to know {alias} is healthy"),
    Task("Restrict network access with a firewall",
         "Only the application hosts should reach port {port} of {name}. Bind {service} to a private interface "
         "in {config} and allow the port in the firewall for the application subnet alone.",
         "limit which hosts can reach {alias}, firewall rules"),
    Task("Configure authentication",
         "Turn on authentication for {name} in {config}: create one account per application with its own "
         "password or key, never share the admin credentials, and restart {service} to apply it.",
         "require a password login (authentication) before using {alias}"),
    Task("Rotate and ship logs",
         "{name} writes logs that grow without bound. Rotate them daily with logrotate, compress old files, keep "
         "two weeks, and ship them to the central log store so a crash of {service} leaves a trail.",
         "the log files of {alias} fill the disk, how to rotate them"),
    Task("Scale out horizontally",
         "Add nodes to {name} when one machine is not enough: start {service} on the new host with the cluster "
         "settings in {config}, let it join, and rebalance data or traffic onto it.",
         "add nodes to {alias} to handle more load"),
    Task("Tune connection limits",
         "The maximum number of client connections of {name} is set in {config}. Each connection costs memory in "
         "{service}, so put a pooler in front instead of raising the limit far beyond the number of cores.",
         "clients get too many connections errors from {alias}, raise the limit"),
    Task("Enable high availability and failover",
         "Run {name} with a standby that takes over when the primary fails. Health checks on port {port} decide "
         "when to fail over; test failover regularly so {service} clients reconnect to the new primary.",
         "keep {alias} running when a server dies, automatic failover to a standby"),
    Task("Set resource limits in containers",
         "When {name} runs in a container, set CPU and memory requests and limits, mount {config} from a config "
         "map, and give the {service} container a readiness probe on port {port}.",
         "right CPU and memory limits for {alias} inside a container"),
    Task("Debug high CPU usage",
         "When {name} burns CPU, find the cause before adding hardware: profile {service}, look for hot queries "
         "or requests, check the settings in {config} for expensive options, and compare with a quiet period.",
         "{alias} is pegged at 100 percent CPU, how to investigate"),
    Task("Debug slow requests",
         "Slow requests to {name} usually wait on disk, locks or the network. Turn on slow request logging in "
         "{config}, read the slowest entries, and trace one request through {service} end to end.",
         "why are requests to {alias} taking so long, find the slow ones"),
    Task("Free disk space",
         "When the disk of {name} fills up, {service} stops accepting writes. Delete old data by retention, "
         "compact what is left, move logs off the data volume, and alert at 80 percent full.",
         "{alias} ran out of disk, clean up the volume"),
    Task("Encrypt data at rest",
         "Encrypt the data directory of {name} with an encrypted volume or the built-in encryption settings in "
         "{config}, keep the keys in a key management service, and rotate them yearly without stopping {service}.",
         "make sure data written by {alias} is encrypted on the drive"),
    Task("Configure replication",
         "Replication copies the data of {name} to other nodes. Set the replication settings in {config}, start a "
         "replica of {service} from a fresh copy of the primary, and monitor replication lag.",
         "set up a replica of {alias} that copies the primary, replication lag"),
    Task("Migrate to a new host",
         "To move {name} to a new host, copy the data while {service} runs, stop writes briefly, copy the last "
         "changes, switch clients to the new address and port {port}, and keep the old host until it is verified.",
         "migrate {alias} onto a different host with little downtime"),
    Task("Automate deployment",
         "Deploy {name} with configuration management: template {config}, install a pinned version of "
         "{service}, and run the same playbook in staging and production so every node is identical.",
         "deploy {alias} automatically the same way on every machine"),
    Task("Audit access",
         "Keep an audit trail for {name}: log every login and administrative command from {service}, send the "
         "audit log to a store the administrators cannot change, and review it for unusual access.",
         "record an audit log of who did what on {alias}"),
    Task("Tune timeouts",
         "Timeouts of {name} are set in {config}. Short timeouts free resources held by dead clients; long ones "
         "let slow operations finish. Match the client timeouts so {service} never works for a caller that gave up.",
         "connections to {alias} hang forever, which timeouts to set"),
    Task("Handle a full outage",
         "When {name} is down, check that {service} runs, read its last log lines, confirm port {port} listens, "
         "and check disk and memory. Restore service first, then write down the cause.",
         "{alias} is down and unreachable, first steps to bring it back"),
    Task("Configure caching",
         "Caching in front of {name} cuts load: cache read-heavy results with a time to live, invalidate on "
         "writes, and size the cache in {config} so {service} keeps its own memory.",
         "reduce repeated reads hitting {alias} with a cache"),
    Task("Harden the configuration",
         "Harden {name}: remove default accounts, disable features you do not use in {config}, run {service} as "
         "an unprivileged user, and apply security patches within a week of release.",
         "security checklist to harden and lock down {alias}"),
    Task("Benchmark throughput",
         "Measure the throughput of {name} with a load generator on a separate machine, ramp the load until "
         "latency rises, and record the settings of {config} and the hardware next to the numbers for {service}.",
         "how much throughput can {alias} sustain, load testing it"),
]


@dataclass(frozen=True)
class Doc:
    text: str
    source: str
    tags: list[str]
    query: str  # a paraphrase whose answer is this chunk


def corpus() -> list[Doc]:
    """The 1,000 chunks, in a fixed order."""
    docs = []
    for component in COMPONENTS:
        slug = component.name.lower().replace(" ", "-")
        for task in TASKS:
            fields = {"name": component.name, "port": component.port, "config": component.config,
                      "service": component.service}
            text = f"{component.name}: {task.title}\n\n{task.body.format(**fields)}\n\n{component.note}"
            docs.append(Doc(text=text, source=f"docs/{slug}/{task.title.lower().replace(' ', '-')}.md",
                            tags=[slug[:40], "ops"], query=task.paraphrase.format(alias=component.alias)))
    return docs


def filler(count: int, seed: int = 7) -> list[Doc]:
    """`count` more distinct chunks for benchmarks at 100,000: a corpus chunk with a numbered incident
    note appended, so each differs from every other; it keeps its topic (source, tags, query), so a
    query's right answers are its topic's chunks."""
    rng = random.Random(seed)
    base = corpus()
    words = ["latency", "replica", "quorum", "timeout", "throughput", "eviction", "snapshot", "rollback",
             "checksum", "backpressure", "handshake", "partition", "heartbeat", "compaction", "failover"]
    out = []
    for n in range(count):
        doc = base[n % len(base)]
        a, b, c = rng.sample(words, 3)
        out.append(Doc(text=f"{doc.text}\n\nIncident {n:06d}: {a} rose after a {b} change; the {c} was adjusted.",
                       source=doc.source, tags=doc.tags, query=doc.query))
    return out
