// The installed `wirestate-test-server` bin: started on port 0, a session through its balancer,
// a publish sent as a stdin command, then stdin ends and the process must exit by itself.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { firstValueFrom } from 'rxjs';
import { createSession } from 'wirestate';

const child = spawn('node_modules/.bin/wirestate-test-server', ['--port', '0', '--location', 'from-bin'], { stdio: ['pipe', 'pipe', 'inherit'] });
const exited = new Promise((resolve) => child.once('exit', resolve));
const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
const next = async () => JSON.parse((await lines.next()).value);
const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);

const urls = await next();
const location = (await (await fetch(`${urls.balancerUrl}/v1/websocket/server`)).json()).location;
const session = createSession({ balancer: urls.balancerUrl });
const message = firstValueFrom(session.stream('btcusdt@trade'));
await session.ready({ timeoutMs: 10_000 });
let published = 0;
// The subscribe may reach the server after ready: publish until one is delivered (bounded).
for (let tries = 0; published === 0 && tries < 200; tries++) {
  child.stdin.write(`${JSON.stringify({ command: 'publish', stream: 'btcusdt@trade', data: { n: 1 }, id: tries })}\n`);
  published = (await next()).deliveries;
  if (published === 0) await new Promise((resolve) => setTimeout(resolve, 10));
}
const data = await message;
await session.close();
child.stdin.end();
const code = await exited;
clearTimeout(killer);
console.log(JSON.stringify({ port: urls.port > 0, location, data, code }));
