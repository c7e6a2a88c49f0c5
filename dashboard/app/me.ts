// Who is logged in (GET /api/dashboard/me): shown in the top bar; admin actions are only offered to admins
// (the API refuses them to members anyway).
import { computed, signal } from '@preact/signals';
import { call, type Fetch } from './api.ts';

export interface Me {
  user: { id: string; email: string; name: string; role: 'admin' | 'member' };
  account: { id: string; name: string; features: string[] };
}

export const me = signal<Me | null>(null);
export const isAdmin = computed(() => me.value?.user.role === 'admin');

export async function loadMe(fetchFn: Fetch): Promise<void> {
  me.value = await call<Me>(fetchFn, 'GET', '/me');
}
