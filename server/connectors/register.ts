// Side-effect imports: each connector registers itself. A new ATS adds one line here.
import './kombo/index.ts';
import './lever/index.ts';
import './stackone/index.ts';
import './recruitee/index.ts';
import './greenhouse/index.ts';
export {};
