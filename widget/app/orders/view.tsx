// Orders: the picker above the status list.
import { useModel } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import { PickerPanel } from '../picker/view.tsx';
import { StatusPanel } from '../status/view.tsx';
import type { ViewProps } from '../view-props.ts';
import { OrdersModel } from './model.ts';

export function OrdersView(props: ViewProps) {
  const model = useModel(() => new OrdersModel(props));
  useEffect(() => void model.load(), []);
  return (
    <>
      <PickerPanel model={model.picker} t={props.t} />
      <StatusPanel model={model.status} t={props.t} locale={props.locale.value} />
    </>
  );
}

export default OrdersView;
