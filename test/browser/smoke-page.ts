import { fingerprint } from 'tokenkeeper';

const w = window as { result?: string; done?: boolean };
const pong = await (await fetch('/ping')).text();
w.result = `${fingerprint('abc').slice(0, 3)} ${pong}`;
w.done = true;
