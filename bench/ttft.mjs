// Streaming time to first token: N sequential POSTs over one kept-alive connection; for each,
// the time from sending the request to the first body byte that carries a `data:` event with
// content, and to the end of the stream. Prints one JSON line (milliseconds).
// usage: node ttft.mjs URL HEADERS_JSON BODY N WARMUP
import http from "node:http";

const [url, headersJson, body, nArg, warmArg] = process.argv.slice(2);
const headers = { "content-type": "application/json", ...JSON.parse(headersJson) };
const n = Number(nArg ?? 500);
const warmup = Number(warmArg ?? 100);
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
const target = new URL(url);

function once() {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    let first = null;
    let seen = "";
    const req = http.request(
      { hostname: target.hostname, port: target.port, path: target.pathname, method: "POST",
        headers: { ...headers, "content-length": Buffer.byteLength(body) }, agent },
      (res) => {
        res.setEncoding("utf8");
        res.on("data", (chunk) => {
          if (first === null) {
            seen += chunk;
            if (/data: *\{/.test(seen)) first = process.hrtime.bigint();
          }
        });
        res.on("end", () => {
          const end = process.hrtime.bigint();
          if (res.statusCode !== 200 || first === null) {
            reject(new Error(`status ${res.statusCode}, no data event: ${seen.slice(0, 300)}`));
            return;
          }
          resolve([Number(first - start) / 1e6, Number(end - start) / 1e6]);
        });
      });
    req.on("error", reject);
    req.end(body);
  });
}

const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
const ttft = [];
const total = [];
for (let i = 0; i < warmup + n; i++) {
  const [f, t] = await once();
  if (i >= warmup) { ttft.push(f); total.push(t); }
}
ttft.sort((a, b) => a - b);
total.sort((a, b) => a - b);
const r = (x) => Math.round(x * 1000) / 1000;
console.log(JSON.stringify({ n, ttft_p50: r(pct(ttft, 50)), ttft_p90: r(pct(ttft, 90)),
  ttft_p99: r(pct(ttft, 99)), total_p50: r(pct(total, 50)), total_p99: r(pct(total, 99)) }));
agent.destroy();
