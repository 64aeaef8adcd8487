#!/usr/bin/env python3
"""The container fault table (deploy/check runs it against the compose project it brought up).

Load: selections and sends (kind "reply": no sending window, so the check runs at any hour) through each node's
address on the containers' database network, a few per second, bounded in time. Only addresses of the bridge
networks deploy/compose.yaml makes on this machine are ever contacted. A send that fails is retried with the same
idempotency key, on the other node too, as a caller behind a load balancer would.
Per fault: requests, 5xx (500s separately), connection failures, messages lost, sent twice, caps exceeded, seconds
to recover (from the fault's start until requests succeed again and every message accepted before the fault ended
reached the gateway).
"""
import ipaddress, json, os, subprocess, sys, threading, time, urllib.error, urllib.request, uuid

NODES = {"node-a": "http://172.28.0.11:8080", "node-b": "http://172.28.0.12:8080"}
SIM = "http://172.28.1.20:5090"
COMPOSE = os.environ["COMPOSE"].split()          # e.g. docker-compose -p juliacheck -f deploy/compose.yaml
PROJECT = os.environ["PROJECT"]
CHIPS = 6
for url in list(NODES.values()) + [SIM]:         # the load generator's only targets: this machine's bridges
    host = url.split("//")[1].split(":")[0]
    assert ipaddress.ip_address(host) in ipaddress.ip_network("172.28.0.0/23"), host


def sh(*args, check=True):
    r = subprocess.run(args, capture_output=True, text=True)
    if check and r.returncode != 0:
        raise RuntimeError(f"{' '.join(args)}: {r.stderr.strip()}")
    return r.stdout.strip()


def container(service):
    return sh(*COMPOSE, "ps", "-q", service)


def psql(sql):
    return sh("docker", "exec", container("postgres"), "psql", "-U", "julia", "-d", "julia", "-Atc", sql)


def http(method, url, body=None, key=None, timeout=15):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method=method)
    if data is not None: req.add_header("Content-Type", "application/json")
    if key: req.add_header("Authorization", f"Bearer {key}")
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()
    except (urllib.error.URLError, OSError, TimeoutError):
        return None, b""


def wait(what, probe, seconds):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if probe(): return
        time.sleep(1)
    raise RuntimeError(f"timed out after {seconds}s waiting for {what}")


def ready(name):
    return http("GET", NODES[name] + "/health/ready", timeout=5)[0] == 200


class Run:
    def __init__(self, key):
        self.key = key
        self.lock = threading.Lock()
        self.accepted = {}        # text -> (message id, accepted at)
        self.sent = {}            # text -> count, over every snapshot of the gateway's sent list
        self.sent_at = {}
        self.snapshots = []
        self.counter = [0]        # one new contact per selection, over the whole run

    # The gateway simulator keeps what it sent in memory: a snapshot before it goes down keeps the count whole.
    def snapshot(self):
        status, body = http("GET", SIM + "/control/sent", timeout=10)
        if status != 200: return False
        # One snapshot per gateway life is enough (a later one holds everything an earlier one did).
        if self.snapshots and getattr(self, "life", 0) == len(self.snapshots) - 1: self.snapshots[-1] = json.loads(body)
        else: self.snapshots.append(json.loads(body))
        # Keyed by the message's token (its text's last word): a message sent from a chip the conversation just moved
        # to is led by the service's "new number" announcement. Two snapshots of one gateway life overlap: a send is
        # counted once per gateway message id.
        ids, at = {}, {}
        for snap in self.snapshots:
            for s in snap:
                token = s["text"].rsplit(" ", 1)[-1]
                ids.setdefault(token, set()).add(s["messageId"])
                at.setdefault(token, s["at"])
        self.sent = {t: len(v) for t, v in ids.items()}
        self.sent_at = at
        return True

    def register_instances(self):
        for n in range(1, CHIPS + 1):
            status, _ = http("POST", SIM + "/control/instances", {"name": f"check-{n}", "token": f"tok-check-{n}",
                                                                "webhookSecret": f"sec-check-{n}", "phone": f"+55119800000{n:02d}"})
            if status != 200: raise RuntimeError(f"simulator refused instance check-{n}: {status}")

    def load(self, seconds, stats, per_node_rate=2.0):
        stop = time.time() + seconds
        counter = self.counter

        def worker(name):
            other = [n for n in NODES if n != name][0]
            while time.time() < stop:
                started = time.time()
                with self.lock:
                    counter[0] += 1
                    n = counter[0]
                contact = f"+551197{n:07d}"
                status, _ = http("POST", NODES[name] + "/v1/selections", {"contact": contact, "kind": "reply"}, self.key)
                stats.record(status)
                if status == 200:
                    with stats.lock: stats["selected"] += 1
                token = uuid.uuid4().hex[:12]
                text = f"check {stats['name']} {token}"
                idem = uuid.uuid4().hex
                target, until = name, time.time() + 90
                while time.time() < until:
                    status, body = http("POST", NODES[target] + "/v1/messages",
                                        {"contact": contact, "kind": "reply", "text": text, "idempotencyKey": idem}, self.key)
                    stats.record(status)
                    if status in (200, 202):
                        with self.lock: self.accepted[token] = (json.loads(body)["messageId"], time.time())
                        break
                    if status is not None and status < 500 and status != 429: break   # a refusal, not a fault
                    target = other if target == name else name
                    time.sleep(0.5)
                time.sleep(max(0, 1 / per_node_rate - (time.time() - started)))

        threads = [threading.Thread(target=worker, args=(n,)) for n in NODES]
        for t in threads: t.start()
        return threads


class Stats(dict):
    def __init__(self, name):
        super().__init__(name=name, requests=0, selected=0, codes={}, s5xx=0, s500=0, conn=0, other4xx=0, last_failure=None)
        self.lock = threading.Lock()

    def record(self, status):
        with self.lock:
            self["requests"] += 1
            if status is None: self["conn"] += 1
            elif status >= 500:
                self["s5xx"] += 1; self["s500"] += status == 500
                self["codes"][status] = self["codes"].get(status, 0) + 1
            elif status >= 400 and status not in (409, 422, 429): self["other4xx"] += 1
            if status is None or status >= 500: self["last_failure"] = time.time()


def caps_exceeded():
    # Reservations per chip-hour and chip-day against the pool's caps for the chips' stage (seeded operating, trust 90: full caps).
    return int(psql("""
        WITH caps AS (SELECT (config->'caps'->'operating'->>'perHour')::int AS hour, (config->'caps'->'operating'->>'perDay')::int AS day FROM pool_config)
        SELECT (SELECT count(*) FROM (SELECT 1 FROM selections s WHERE chip_id IS NOT NULL GROUP BY chip_id, date_trunc('hour', at)
                 HAVING count(*) > (SELECT coalesce(max(hour), 1000000) FROM caps)) h)
             + (SELECT count(*) FROM (SELECT 1 FROM selections s WHERE chip_id IS NOT NULL GROUP BY chip_id, (at AT TIME ZONE 'America/Sao_Paulo')::date
                 HAVING count(*) > (SELECT coalesce(max(day), 1000000) FROM caps)) d)
    """) or 0)


def scenario(run, name, seconds, fault=None, settle=240):
    stats = Stats(name)
    before = set(run.accepted)
    t0 = time.time()
    threads = run.load(seconds, stats)
    fault_start = fault_end = None
    if fault:
        time.sleep(5)
        fault_start = time.time()
        fault(run)
        fault_end = time.time()
    for t in threads: t.join()
    fault_start = fault_start or t0
    fault_end = fault_end or t0
    # Every node back and every message accepted in this scenario at the gateway.
    wait("both nodes ready", lambda: all(ready(n) for n in NODES), settle)
    mine = lambda: [t for t in run.accepted if t not in before]
    def delivered():
        if not run.snapshot(): return False
        return all(t in run.sent for t in mine())
    try: wait("accepted messages at the gateway", delivered, settle)
    except RuntimeError: pass
    lost = []
    for t in [t for t in mine() if t not in run.sent]:
        status, body = http("GET", NODES["node-a"] + f"/v1/messages/{run.accepted[t][0]}", key=run.key, timeout=10)
        m = json.loads(body) if status == 200 else {}
        # The simulator forgets what it sent when it restarts (a real gateway keeps it): a message it acknowledged
        # with its own message id before it stopped was sent, not lost.
        if getattr(run, "gateway_restarted_at", None) and m.get("status") in ("sent", "delivered", "read") \
                and iso(m["sentAt"]) <= run.gateway_restarted_at:
            continue
        lost.append(t)
        if len(lost) <= 5: print(f"  not at the gateway: message {run.accepted[t][0]}: {status} {body[:400].decode(errors='replace')}", flush=True)
    twice = [t for t in mine() if run.sent.get(t, 0) > 1]
    # Recovered: requests succeed again, and every message accepted before the fault ended has reached the gateway.
    during = [t for t in mine() if run.accepted[t][1] <= fault_end]
    last_delivery = max([iso(run.sent_at[t]) for t in during if t in run.sent_at] or [fault_start])
    recover = max((stats["last_failure"] or fault_start), last_delivery) - fault_start
    return dict(name=name, requests=stats["requests"], selected=stats["selected"], codes=stats["codes"], s5xx=stats["s5xx"], s500=stats["s500"], conn=stats["conn"],
                other4xx=stats["other4xx"], accepted=len(mine()), lost=len(lost), twice=len(twice),
                caps=caps_exceeded(), recover=round(max(recover, 0)) if fault else 0)


def iso(s):
    from datetime import datetime
    return datetime.fromisoformat(s.replace("Z", "+00:00")).timestamp()


def main():
    print("== setup")
    wait("node-a and node-b ready", lambda: ready("node-a") and ready("node-b"), 300)
    key = sh(*COMPOSE, "exec", "-T", "node-a", "dotnet", "/app/Julia.Server.dll", "create-key", "deploy-check", "agent,operator,admin").splitlines()[-1].strip()
    silos = lambda: psql("SELECT address || ':' || port FROM orleansmembership WHERE status = 3 ORDER BY address").split()
    wait("two active silos", lambda: len(silos()) == 2, 120)
    active = silos()
    print(f"active silos: {' '.join(active)}")
    assert active == ["172.28.1.11:11111", "172.28.1.12:11111"], f"silos must advertise the containers' silo-network addresses, saw {active}"
    psql("INSERT INTO chips (phone, ddd, instance, instance_token, webhook_secret, status, connected, trust_score, rampup_stage, account_created_at, created_at, updated_at) "
         "SELECT '+55119800000' || lpad(n::text, 2, '0'), 11, 'check-' || n, 'tok-check-' || n, 'sec-check-' || n, 'active', true, 90, 5, now() - interval '60 days', now(), now() "
         "FROM generate_series(1, %d) n ON CONFLICT DO NOTHING" % CHIPS)
    run = Run(key)
    run.register_instances()
    # Caps still bind (checked after every fault), but high enough and without the human-scale gap between one chip's
    # sends for a few minutes of load on six chips.
    status, body = http("PUT", NODES["node-a"] + "/v1/pool/config", {"caps": {"operating": {"perHour": 900, "perDay": 9000}, "minGapScale": 0}}, key)
    if status != 200: raise RuntimeError(f"pool config refused: {status} {body[:300]}")
    rows = []

    def kill(r):
        sh("docker", "kill", container("node-b"))
        time.sleep(3)
        if not sh("docker", "inspect", "-f", "{{.State.Running}}", container("node-b")) == "true":
            sh("docker", "start", container("node-b"))

    def pg_down(r):
        sh("docker", "stop", "-t", "10", container("postgres"))
        time.sleep(20)
        sh("docker", "start", container("postgres"))

    silo_net = f"{PROJECT}_silo"
    def partition(r):
        sh("docker", "network", "disconnect", silo_net, container("node-b"))
        time.sleep(30)
        # node-b may have been declared dead meanwhile and restarted (then it is already connected again).
        sh("docker", "network", "connect", "--ip", "172.28.1.12", silo_net, container("node-b"), check=False)

    def gateway_stopped(r):
        sh(*COMPOSE, "stop", "-t", "5", "evolution")
        r.gateway_restarted_at = time.time()
        r.snapshots.append([])   # the next gateway life starts empty
        r.life = len(r.snapshots) - 1
        time.sleep(120)
        sh(*COMPOSE, "start", "evolution")
        wait("simulator", lambda: http("GET", SIM + "/control/stats")[0] == 200, 60)
        r.register_instances()

    def gateway_down(r):
        # Frozen, not removed: sends hang until the client's timeout (the harder case for the outbox), and the
        # simulator keeps its record of what it sent, so nothing is counted lost for want of a record.
        sh("docker", "pause", container("evolution"))
        time.sleep(120)
        sh("docker", "unpause", container("evolution"))

    plan = [
        ("selections and sends through each node", 20, None),
        ("docker kill node-b under load", 60, kill),
        ("PostgreSQL stopped 20 s", 60, pg_down),
        ("partition node-b from the silo network 30 s", 70, partition),
        ("gateway (simulator) stopped 2 min (docker stop)", 150, gateway_stopped),
        ("gateway (simulator) frozen 2 min (docker pause)", 150, gateway_down),
    ]
    if "--baseline-only" in sys.argv: plan = plan[:1]
    if "--only" in sys.argv:   # debugging one fault: --only gateway
        word = sys.argv[sys.argv.index("--only") + 1]
        plan = [p for p in plan if word in p[0]]
    for name, seconds, fault in plan:
        print(f"== {name}", flush=True)
        # A frozen gateway leaves sends in doubt: those it never carried out go again only after the in-doubt wait
        # (JULIA_IN_DOUBT_WAIT, 90 s in deploy/check) and the gateway's answer, so that row may take longer to settle.
        row = scenario(run, name, seconds, fault, settle=420 if fault is gateway_down else 240)
        print(json.dumps(row), flush=True)
        rows.append(row)

    print()
    print("| fault | requests | 5xx (by code) | connection failures | selections made | messages accepted | lost | sent twice | caps exceeded | s to recover |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['name']} | {r['requests']} | {r['s5xx']} ({', '.join(f'{k}: {v}' for k, v in sorted(r['codes'].items())) or 'none'}) | {r['conn']} | {r['selected']} | {r['accepted']} | {r['lost']} | {r['twice']} | {r['caps']} | {r['recover']} |")
    bad = [r for r in rows if r["lost"] or r["twice"] or r["caps"] or r["s500"]]
    print()
    print("PASS: no message lost or sent twice, no cap exceeded, no 500" if not bad else
          "FAIL: " + "; ".join(f"{r['name']}: lost {r['lost']}, twice {r['twice']}, caps {r['caps']}, 500s {r['s500']}" for r in bad))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
