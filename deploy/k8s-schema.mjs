// Validates every document of a rendered kustomization (stdin) against the Kubernetes API schemas shipped in the
// npm package kubernetes-models (offline: no cluster, no download). Exits 1 and names the document on a mistake.
import { parseAllDocuments } from "yaml";
import { createRequire } from "node:module";
const require = createRequire(import.meta.url);

const models = {
  "v1/Namespace": ["kubernetes-models", "v1", "Namespace"],
  "v1/ConfigMap": ["kubernetes-models", "v1", "ConfigMap"],
  "v1/Secret": ["kubernetes-models", "v1", "Secret"],
  "v1/Service": ["kubernetes-models", "v1", "Service"],
  "apps/v1/Deployment": ["kubernetes-models", "apps/v1", "Deployment"],
  "batch/v1/Job": ["kubernetes-models", "batch/v1", "Job"],
  "policy/v1/PodDisruptionBudget": ["kubernetes-models", "policy/v1", "PodDisruptionBudget"],
};
const text = await new Promise((ok) => { let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => ok(s)); });
let failed = 0, checked = 0;
for (const doc of parseAllDocuments(text)) {
  const obj = doc.toJS();
  if (!obj) continue;
  const key = `${obj.apiVersion}/${obj.kind}`;
  const name = `${obj.kind}/${obj.metadata?.name}`;
  const entry = models[key];
  if (!entry) { console.error(`${name}: no schema known for ${key} (add it to deploy/k8s-schema.mjs)`); failed++; continue; }
  const mod = require(`kubernetes-models/${entry[1]}`);
  try { new mod[entry[2]](obj).validate(); checked++; }
  catch (e) { console.error(`${name}: ${e.message}`); failed++; }
}
console.log(`kubernetes schema: ${checked} document(s) valid, ${failed} invalid`);
process.exit(failed ? 1 : 0);
