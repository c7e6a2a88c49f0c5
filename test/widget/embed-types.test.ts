// @vitest-environment happy-dom
// The hand-written dist/embed/index.d.ts must say exactly what the loader's source says.
import { expect, expectTypeOf, test } from 'vitest';
import type * as Published from '../../widget/embed/index.d.ts';
import type * as Source from '../../widget/embed/index.ts';

test('published types match the source types', () => {
  expectTypeOf<Published.EventMap>().toEqualTypeOf<Source.EventMap>();
  expectTypeOf<Published.AssayEvent>().toEqualTypeOf<Source.AssayEvent>();
  expectTypeOf<Published.MountOptions>().toEqualTypeOf<Source.MountOptions>();
  expectTypeOf<Published.UpdateOptions>().toEqualTypeOf<Source.UpdateOptions>();
  expectTypeOf<Published.AssayHandle>().toEqualTypeOf<Source.AssayHandle>();
  expectTypeOf<Published.ContextSource>().toEqualTypeOf<Source.ContextSource>();
  expectTypeOf<Published.AssayInstruction>().toEqualTypeOf<Source.AssayInstruction>();
  expectTypeOf<typeof Published.mount>().toEqualTypeOf<typeof Source.mount>();
  expectTypeOf<typeof Published.scan>().toEqualTypeOf<typeof Source.scan>();
  // A typed listener receives the payload of its own event.
  expectTypeOf<Published.Listener<'order.created'>>().parameter(0).toEqualTypeOf<Published.EventMap['order.created']>();
  expect(true).toBe(true);
});
