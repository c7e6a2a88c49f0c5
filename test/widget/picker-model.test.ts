// @vitest-environment happy-dom
import { describe, expect, test } from 'vitest';
import { ApiError } from '../../widget/app/api.ts';
import { PickerModel } from '../../widget/app/picker/model.ts';
import { fakeApi, viewProps } from './fake-api.ts';

async function loaded(role: 'recruiter' | 'viewer' = 'recruiter') {
  const api = fakeApi();
  const { props, events } = viewProps(api, role);
  let created = 0;
  const model = new PickerModel({ ...props, onCreated: () => void created++ });
  await model.load();
  return { api, model, events, created: () => created };
}

describe('picker model', () => {
  test('search narrows the list by name, type or description, ignoring case', async () => {
    const { model } = await loaded();
    expect(model.filtered.value.map((p) => p.name)).toEqual(['Cognitive ability', 'Personality profile', 'JavaScript coding']);
    model.search('CODING');
    expect(model.filtered.value.map((p) => p.name)).toEqual(['JavaScript coding']);
    model.search('questionnaire');
    expect(model.filtered.value.map((p) => p.name)).toEqual(['Personality profile']);
    // The active option follows the filter so Enter never picks a hidden package.
    expect(model.activeId.value).toBe('pkg-pers');
  });

  test('arrows, Home and End move the active option; Enter chooses it', async () => {
    const { model } = await loaded();
    expect(model.activeId.value).toBe('pkg-cog');
    model.key('ArrowDown');
    model.key('ArrowDown');
    model.key('ArrowDown');
    expect(model.activeId.value).toBe('pkg-code');
    model.key('Home');
    expect(model.activeId.value).toBe('pkg-cog');
    model.key('End');
    model.key('ArrowUp');
    expect(model.activeId.value).toBe('pkg-pers');
    expect(model.selected.value).toBeNull();
    expect(model.canSend.value).toBe(false);
    expect(model.key('Enter')).toBe(true);
    expect(model.selected.value?.name).toBe('Personality profile');
    expect(model.canSend.value).toBe(true);
    expect(model.key('a')).toBe(false);
  });

  test('Send creates one order with a fresh idempotency key per click and reports it', async () => {
    const { api, model, events, created } = await loaded();
    model.choose('pkg-code');
    await model.send();
    expect(model.outcome.value).toMatchObject({ kind: 'sent', order: { package_name: 'JavaScript coding', status: 'pending' } });
    expect(events).toContainEqual({
      type: 'order.created',
      payload: { v: 1, order_id: 'ord-new-1', package_id: 'pkg-code', package_name: 'JavaScript coding', status: 'pending' },
    });
    expect(created()).toBe(1);
    model.again();
    model.choose('pkg-cog');
    await model.send();
    expect(api.keys).toHaveLength(2);
    expect(api.keys[0]).not.toBe(api.keys[1]);
    expect(api.keys[0]).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  test('a 422 refusal is kept as the sentence to show, and choosing again clears it', async () => {
    const { api, model, events } = await loaded();
    api.refuse = new ApiError(422, 'candidate_without_email', 'This candidate has no e-mail address, so the invitation cannot be sent.');
    model.choose('pkg-cog');
    await model.send();
    expect(model.outcome.value).toEqual({ kind: 'refused', message: 'This candidate has no e-mail address, so the invitation cannot be sent.' });
    expect(model.sending.value).toBe(false);
    expect(events.at(-1)).toMatchObject({ type: 'error', payload: { code: 'candidate_without_email' } });
    model.choose('pkg-pers');
    expect(model.outcome.value).toBeNull();
  });

  test('a viewer sees packages but can never send', async () => {
    const { api, model } = await loaded('viewer');
    expect(model.filtered.value).toHaveLength(3);
    model.choose('pkg-cog');
    expect(model.canSend.value).toBe(false);
    await model.send();
    expect(api.calls).not.toContain('createOrder');
  });

  test('a failed package load is an error with the server sentence, and retry recovers', async () => {
    const api = fakeApi();
    const real = api.listPackages;
    api.listPackages = async () => {
      throw new ApiError(500, 'internal', 'Packages could not be loaded.');
    };
    const { props } = viewProps(api);
    const model = new PickerModel(props);
    await model.load();
    expect(model.phase.value).toBe('error');
    expect(model.error.value).toBe('Packages could not be loaded.');
    api.listPackages = real;
    await model.load();
    expect(model.phase.value).toBe('ready');
  });
});
