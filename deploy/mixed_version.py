#!/usr/bin/env python3
"""Driven by deploy/mixed-version: one node of the previous release and one of this tree, one database, one cluster."""
import json, os, signal, socket, subprocess, sys, time, urllib.error, urllib.request, uuid

OLD, NEW, PG, PSQL = os.environ["OLD"], os.environ["NEW"], os.environ["PG"], os.environ["PSQL"].split()
checks = []


def ok(what):
    checks.append(what)
    print(f"  ok  {what}", flush=True)


def free_port():
    s = socket.socket(); s.bind(("127.0.0.1", 0)); p = s.getsockname()[1]; s.close(); return p


def psql(sql):
    return subprocess.run(PSQL + ["-Atc", sql], capture_output=True, text=True, check=True).stdout.strip()


def http(method, url, body=None, key=None, timeout=20):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method=method)
    if data is not None: req.add_header("Content-Type", "application/json")
    if key: req.add_header("Authorization", f"Bearer {key}")
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r: return r.status, r.read()
    except urllib.error.HTTPError as e: return e.code, e.read()
    except (urllib.error.URLError, OSError): return None, b""


def wait(what, probe, seconds=120):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if probe(): return
        time.sleep(0.5)
    raise SystemExit(f"FAIL: timed out waiting for {what}")


sim_port = free_port()
procs = []


def start(name, folder, extra):
    port, silo, gw = free_port(), free_port(), free_port()
    env = dict(os.environ, urls=f"http://127.0.0.1:{port}", ConnectionStrings__Postgres=PG, Julia__NodeId=name,
               Orleans__SiloPort=str(silo), Orleans__GatewayPort=str(gw), Orleans__AdvertisedAddress="127.0.0.1",
               Evolution__BaseUrl=f"http://127.0.0.1:{sim_port}", Julia__LogLevel="Warning", **extra)
    log = open(f"{folder}.log", "w")
    p = subprocess.Popen(["dotnet", f"{folder}/Julia.Server.dll"], env=env, stdout=log, stderr=subprocess.STDOUT)
    procs.append(p)
    return p, f"http://127.0.0.1:{port}", silo


def ready(url): return http("GET", url + "/health/ready", timeout=5)[0] == 200


def main():
    print(f"mixed-version: previous release {os.environ['PREVIOUS']} + this tree {os.environ['CURRENT']}")
    # The old release migrates at start-up as it always did (schema 0001-0018).
    old, old_url, old_silo = start("old-node", OLD, {})
    wait("the old node", lambda: ready(old_url) or old.poll() is not None)
    if old.poll() is not None: raise SystemExit("FAIL: the old node exited:\n" + open(f"{OLD}.log").read()[-3000:])
    ok(f"previous release up alone on schema {psql('SELECT max(name) FROM schema_migrations')}")
    sim = subprocess.Popen(["dotnet", f"{NEW}/Julia.Simulator.dll", "--port", str(sim_port), "--webhook", f"{old_url}/webhooks/evolution"],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    procs.append(sim)
    # The pre-deploy step of the new release, while the old node serves.
    r = subprocess.run(["dotnet", f"{NEW}/Julia.Server.dll", "migrate"], env=dict(os.environ, ConnectionStrings__Postgres=PG), capture_output=True, text=True)
    if r.returncode != 0: raise SystemExit("FAIL: migrate: " + r.stdout + r.stderr)
    ok(f"migrate (new release) applied its expand-only migrations under the running old node: schema now {psql('SELECT max(name) FROM schema_migrations')}")
    if not ready(old_url): raise SystemExit("FAIL: the old node is not ready after the new release's migrations")
    ok("old node still ready after the migration")

    new, new_url, new_silo = start("new-node", NEW, {"Julia__MigrateOnStart": "false"})
    wait("the new node", lambda: ready(new_url) or new.poll() is not None)
    if new.poll() is not None: raise SystemExit("FAIL: the new node exited:\n" + open(f"{NEW}.log").read()[-3000:])
    wait("two active silos", lambda: psql("SELECT count(*) FROM orleansmembership WHERE status = 3") == "2", 60)
    ok("one cluster: " + psql("SELECT string_agg(siloname || '@' || port, ', ' ORDER BY siloname) FROM orleansmembership WHERE status = 3"))

    key = subprocess.run(["dotnet", f"{OLD}/Julia.Server.dll", "create-key", "mixed", "agent,operator,admin"],
                         env=dict(os.environ, ConnectionStrings__Postgres=PG), capture_output=True, text=True, check=True).stdout.strip().splitlines()[-1]
    chips = 4
    psql("INSERT INTO chips (phone, ddd, instance, instance_token, webhook_secret, status, connected, trust_score, rampup_stage, account_created_at, created_at, updated_at) "
         f"SELECT '+55119800000' || lpad(n::text, 2, '0'), 11, 'mixed-' || n, 'tok-mixed-' || n, 'sec-mixed-' || n, 'active', true, 90, 5, now() - interval '60 days', now(), now() FROM generate_series(1, {chips}) n")
    for n in range(1, chips + 1):
        http("POST", f"http://127.0.0.1:{sim_port}/control/instances", {"name": f"mixed-{n}", "token": f"tok-mixed-{n}", "webhookSecret": f"sec-mixed-{n}", "phone": f"+55119800000{n:02d}"})
    s, b = http("PUT", old_url + "/v1/pool/config", {"caps": {"operating": {"perHour": 900, "perDay": 9000}, "minGapScale": 0}}, key)
    if s != 200: raise SystemExit(f"FAIL: pool config through the old node: {s} {b[:200]}")
    ok("pool config saved through the old node (pool grain wherever it lives)")

    accepted, counter = {}, [0]
    def traffic(urls, rounds):
        chips_seen = set()
        for i in range(rounds):
            for url in urls:
                counter[0] += 1
                contact = f"+551196{counter[0]:07d}"
                s, b = http("POST", url + "/v1/selections", {"contact": contact, "kind": "reply"}, key)
                if s != 200: raise SystemExit(f"FAIL: selection through {url}: {s} {b[:300]}")
                chips_seen.add(json.loads(b).get("chipId"))
                text = f"mixed {uuid.uuid4().hex[:12]}"
                s, b = http("POST", url + "/v1/messages", {"contact": contact, "kind": "reply", "text": text, "idempotencyKey": uuid.uuid4().hex}, key)
                if s not in (200, 202): raise SystemExit(f"FAIL: send through {url}: {s} {b[:300]}")
                accepted[text] = url
        return chips_seen

    def delivered():
        s, b = http("GET", f"http://127.0.0.1:{sim_port}/control/sent")
        if s != 200: return None
        counts = {}
        for m in json.loads(b): counts[m["text"]] = counts.get(m["text"], 0) + 1
        return counts

    def all_delivered():
        c = delivered()
        return c is not None and all(t in c for t in accepted)

    seen = traffic([old_url, new_url], 20)
    ok(f"40 selections (all 200) and 40 sends (all accepted), alternating old and new node; chips chosen: {sorted(x for x in seen if x)}")
    wait("every send at the gateway", all_delivered, 120)
    counts = delivered()
    twice = [t for t in accepted if counts.get(t, 0) > 1]
    if twice: raise SystemExit(f"FAIL: {len(twice)} message(s) sent twice")
    ok(f"all {len(accepted)} messages reached the gateway once")
    over = psql("SELECT count(*) FROM (SELECT 1 FROM selections WHERE chip_id IS NOT NULL GROUP BY chip_id, date_trunc('hour', at) HAVING count(*) > 900) x")
    if over != "0": raise SystemExit("FAIL: a chip-hour over its cap")
    ok("no chip over its hourly cap")

    # The old node leaves as in a rollout: SIGTERM, graceful shutdown, membership updated.
    old.send_signal(signal.SIGTERM)
    try: old.wait(90)
    except subprocess.TimeoutExpired: raise SystemExit("FAIL: the old node did not stop within 90 s of SIGTERM")
    ok(f"old node left on SIGTERM (exit code {old.returncode})")
    wait("the old silo marked dead", lambda: psql(f"SELECT status FROM orleansmembership WHERE port = {old_silo} ORDER BY generation DESC LIMIT 1") == "6", 60)
    ok("membership: old silo dead, " + psql("SELECT count(*) FROM orleansmembership WHERE status = 3") + " active")
    before = len(accepted)
    traffic([new_url], 20)
    wait("every send after the old node left at the gateway", all_delivered, 120)
    counts = delivered()
    if any(counts.get(t, 0) > 1 for t in accepted): raise SystemExit("FAIL: a message sent twice after the old node left")
    ok(f"new node alone: 20 more selections and sends, all {len(accepted) - before} delivered once; grains re-activated from the state the old node wrote")
    print(f"PASS: mixed-version cluster ({len(checks)} checks)")


try:
    main()
finally:
    for p in procs:
        if p.poll() is None:
            p.terminate()
            try: p.wait(30)
            except subprocess.TimeoutExpired: p.kill()
