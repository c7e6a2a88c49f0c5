// Orders = picker + status list, wired so a sent order appears in the list at once.
import { createModel, effect } from '@preact/signals';
import { PickerModel } from '../picker/model.ts';
import { StatusModel } from '../status/model.ts';
import type { ViewProps } from '../view-props.ts';

export type OrdersDeps = Pick<ViewProps, 'api' | 't' | 'hidden' | 'emit' | 'role' | 'refusal'> & { interval?: number };

export const OrdersModel = createModel((deps: OrdersDeps) => {
  const status = new StatusModel(deps);
  const picker = new PickerModel({ ...deps, onCreated: (order) => status.add(order) });
  // The two inner models own polling timers; they go when this one goes.
  effect(() => () => {
    picker[Symbol.dispose]();
    status[Symbol.dispose]();
  });
  return {
    picker,
    status,
    load: () => Promise.all([picker.load(), status.load()]).then(() => undefined),
  };
});

export type OrdersModel = InstanceType<typeof OrdersModel>;
