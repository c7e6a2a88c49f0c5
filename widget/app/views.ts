// The views' lazy loaders, in the shell: each view is its own chunk, so a picker-only page never
// downloads the result card. The picker loads the status list after a send through here too, which
// keeps the dynamic-import helper and its CSS dependency list out of the picker's chunk.
import type { ComponentType } from 'preact';
import type { View } from '../../shared/embed-protocol.ts';
import type { ViewProps } from './view-props.ts';

export type ViewModule = { default: ComponentType<ViewProps> };

export const views: Record<View, () => Promise<ViewModule>> = {
  picker: () => import('./picker/view.tsx'),
  status: () => import('./status/view.tsx'),
  result: () => import('./result/view.tsx'),
  orders: () => import('./orders/view.tsx'),
  // Account-wide charts for recruiters and admins; its SVG drawing and strings stay in this chunk.
  insights: () => import('./insights/view.tsx'),
  mappings: () => import('./mappings/view.tsx'), // Lever posting ↔ package mapping for ATS admins
};
