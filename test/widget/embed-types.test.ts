// @vitest-environment happy-dom
// The hand-written widget/embed/published.d.ts (shipped as dist/embed/index.d.ts) must say what the
// loader's source says; `npm run typecheck` fails on any drift.
import { expect, expectTypeOf, test } from 'vitest';
import type * as Published from '../../widget/embed/published.d.ts';
import type * as Source from '../../widget/embed/index.ts';

/** Each assignable to the other (generic methods from two declarations are never identical). */
type Mutual<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

test('published types match the source types', () => {
  expectTypeOf<Published.EventMap>().toEqualTypeOf<Source.EventMap>();
  expectTypeOf<Published.AssayEvent>().toEqualTypeOf<Source.AssayEvent>();
  expectTypeOf<Published.MountOptions>().toEqualTypeOf<Source.MountOptions>();
  expectTypeOf<Published.UpdateOptions>().toEqualTypeOf<Source.UpdateOptions>();
  expectTypeOf<Published.ContextSource>().toEqualTypeOf<Source.ContextSource>();
  expectTypeOf<Published.AssayInstruction>().toEqualTypeOf<Source.AssayInstruction>();
  const same: [
    Mutual<Published.AssayHandle, Source.AssayHandle>,
    Mutual<typeof Published.mount, typeof Source.mount>,
    Mutual<typeof Published.scan, typeof Source.scan>,
    Mutual<Published.AssayGlobal, Source.AssayGlobal>,
  ] = [true, true, true, true];
  // A typed listener receives the payload of its own event.
  expectTypeOf<Published.Listener<'order.created'>>().parameter(0).toEqualTypeOf<Published.EventMap['order.created']>();
  expect(same).toEqual([true, true, true, true]);
});
