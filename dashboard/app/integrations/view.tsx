// The Integrations page: a card per provider, its state in words and shape (never colour alone), and a
// readable troubleshooting list from the connection's checks.
import { ConfirmDialog } from '../confirm.tsx';
import { SOURCE_LABEL, when } from '../format.ts';
import { isAdmin } from '../me.ts';
import { Fragment } from 'preact';
import { useRef, useState } from 'preact/hooks';
import { onLinkClick } from '../router.ts';
import { LOGO_MAX_BYTES, type GreenhouseSetup, type IntegrationCard, type IntegrationsModel, type PartnerFormValues, type PartnerSetup } from './model.ts';
import { LoadFailed } from '../load-failed.tsx';

const STATE_LABEL = { not_connected: 'Not connected', connected: 'Connected', needs_attention: 'Needs attention' } as const;
const STATE_MARK = { not_connected: '○', connected: '●', needs_attention: '▲' } as const;

function Checks({ model, id }: { model: IntegrationsModel; id: string }) {
  const c = model.checks.value[id];
  if (!c) return null;
  if (c === 'running') return <p aria-busy="true">Running the checks…</p>;
  if ('error' in c)
    return (
      <p class="error" role="alert">
        {c.error}
      </p>
    );
  if (c.findings.length === 0) return <p>There are no checks for this integration.</p>;
  return (
    <div class="table-wrap" role="region" aria-label={`Troubleshooting ${id}`} tabIndex={0}>
      <table class="checks">
        <caption>Troubleshooting</caption>
        <thead>
          <tr>
            <th scope="col">Check</th>
            <th scope="col">Result</th>
            <th scope="col">What to do</th>
          </tr>
        </thead>
        <tbody>
          {c.findings.map((f) => (
            <tr key={f.check} class={f.ok ? 'ok' : 'fail'}>
              <th scope="row">{f.check}</th>
              <td>
                <span class="mark" aria-hidden="true">
                  {f.ok ? '✓' : '✗'}
                </span>{' '}
                <strong>{f.ok ? 'OK' : 'Problem'}</strong>: {f.message}
              </td>
              <td>{f.ok ? '—' : (f.fix ?? '—')}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function GreenhouseForm({ model }: { model: IntegrationsModel }) {
  const input = useRef<HTMLInputElement>(null);
  const err = model.ghError.value;
  return (
    <form
      class="connect"
      onSubmit={(e) => {
        e.preventDefault();
        void model.connectGreenhouse(input.current?.value ?? '');
      }}
    >
      <label for="gh-harvest">Harvest API key</label>
      <p class="muted" id="gh-harvest-hint">
        In Greenhouse: Configure → Dev Center → API Credential Management → Create New API Key, type Harvest, with GET permission on Jobs, Job Stages, Candidates and Applications.
      </p>
      <input
        id="gh-harvest"
        ref={input}
        type="password"
        autoComplete="off"
        spellcheck={false}
        aria-describedby={err ? 'gh-harvest-hint gh-error' : 'gh-harvest-hint'}
        aria-invalid={err ? 'true' : undefined}
      />
      {err && (
        <p class="error" role="alert" id="gh-error">
          {err}
        </p>
      )}
      <button type="submit" disabled={model.ghBusy.value}>
        {model.ghBusy.value ? 'Saving…' : 'Save'}
      </button>
    </form>
  );
}

function GreenhouseSetupPanel({ s }: { s: GreenhouseSetup }) {
  return (
    <section class="card setup" aria-labelledby="gh-setup-title">
      <h2 id="gh-setup-title">Greenhouse is connected: finish in Greenhouse</h2>
      <p>
        <strong>Copy these now.</strong> The secret key and the partner API key are shown only this once.
      </p>
      <h3>Web hooks</h3>
      <p class="muted">Greenhouse → Configure → Dev Center → Web Hooks: create one web hook per event below, each with this endpoint URL and secret key.</p>
      <dl class="facts">
        <dt>Endpoint URL</dt>
        <dd>
          <code data-field="webhook_url">{s.webhook_url}</code>
        </dd>
        <dt>Secret key</dt>
        <dd>
          <code data-field="webhook_secret">{s.webhook_secret}</code>
        </dd>
      </dl>
      <details>
        <summary>The {s.events.length} events to create a web hook for</summary>
        <ul class="events">
          {s.events.map((e) => (
            <li key={e}>{e}</li>
          ))}
        </ul>
      </details>
      <h3>Assessment partner</h3>
      <p class="muted">Send this key to Greenhouse Support so Greenhouse can order your assessments.</p>
      <dl class="facts">
        <dt>Partner API key</dt>
        <dd>
          <code data-field="partner_api_key">{s.partner_api_key}</code>
        </dd>
        {Object.entries(s.partner_urls).map(([api, url]) => (
          <Fragment key={api}>
            <dt>{api} URL</dt>
            <dd>
              <code>{url}</code>
            </dd>
          </Fragment>
        ))}
      </dl>
    </section>
  );
}

function LeverConfigure({ model }: { model: IntegrationsModel }) {
  const err = model.leverError.value;
  return (
    <div class="connect">
      <p class="muted" id="lever-configure-hint">
        Configure opens Lever, where a Lever Super Admin reviews the permissions Assay asks for and clicks Accept. You then come back here to map your job postings to assessments.
      </p>
      {err && (
        <p class="error" role="alert" id="lever-error">
          {err}
        </p>
      )}
      <button type="button" onClick={() => void model.configureLever()} disabled={model.leverBusy.value} aria-describedby="lever-configure-hint">
        {model.leverBusy.value ? 'Opening Lever…' : 'Configure'}
      </button>
    </div>
  );
}

const EMPTY_FORM: PartnerFormValues = { codename: '', name: '', description: '', logo: null, static_package_id: '', account_id: '', company_id: '' };

/** StackOne's "Recruitee - Configuration" fields (seed 001), and Recruitee's own partner profile. */
function PartnerForm({ model, provider }: { model: IntegrationsModel; provider: 'stackone' | 'recruitee' }) {
  const [f, setF] = useState<PartnerFormValues>(EMPTY_FORM);
  const err = model.partnerError.value[provider];
  const id = (k: string) => `${provider}-${k}`;
  const set = (k: keyof PartnerFormValues) => (e: Event) => setF({ ...f, [k]: (e.currentTarget as HTMLInputElement).value });
  const described = (k: keyof PartnerFormValues, hint: boolean) => [hint ? id(`${k}-hint`) : '', err?.field === k ? id('error') : ''].filter(Boolean).join(' ') || undefined;
  const invalid = (k: keyof PartnerFormValues) => (err?.field === k ? 'true' : undefined);
  return (
    <form
      class="connect partner"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void model.connectPartner(provider, f);
      }}
    >
      {provider === 'stackone' && (
        <>
          <label for={id('account_id')}>StackOne account id</label>
          <p class="muted" id={id('account_id-hint')}>
            Link your Recruitee account in StackOne's Connector Hub; the account id is on StackOne's Accounts page.
          </p>
          <input id={id('account_id')} value={f.account_id} onInput={set('account_id')} autoComplete="off" spellcheck={false} aria-describedby={described('account_id', true)} aria-invalid={invalid('account_id')} />
        </>
      )}
      <label for={id('codename')}>Partner codename</label>
      <p class="muted" id={id('codename-hint')}>
        Identifies your integration on the Recruitee marketplace: lowercase letters and dashes, e.g. assay-tests.
      </p>
      <input id={id('codename')} value={f.codename} onInput={set('codename')} autoComplete="off" spellcheck={false} aria-describedby={described('codename', true)} aria-invalid={invalid('codename')} />
      <label for={id('name')}>Name</label>
      <input id={id('name')} value={f.name} onInput={set('name')} maxLength={80} aria-describedby={described('name', false)} aria-invalid={invalid('name')} />
      <label for={id('description')}>Description</label>
      <textarea id={id('description')} value={f.description} onInput={set('description')} maxLength={500} rows={3} aria-describedby={described('description', false)} aria-invalid={invalid('description')} />
      <label for={id('logo')}>Logo</label>
      <p class="muted" id={id('logo-hint')}>
        A PNG, JPEG or WebP image of at most {LOGO_MAX_BYTES / 1024} KB, shown on Recruitee.
      </p>
      <input
        id={id('logo')}
        type="file"
        accept="image/png,image/jpeg,image/webp"
        onChange={(e) => setF({ ...f, logo: (e.currentTarget as HTMLInputElement).files?.[0] ?? null })}
        aria-describedby={described('logo', true)}
        aria-invalid={invalid('logo')}
      />
      {provider === 'stackone' ? (
        <>
          <label for={id('static_package_id')}>Static Package ID (optional)</label>
          <p class="muted" id={id('static_package_id-hint')}>
            Recruiters always see your package list; choose a package here only as the fallback StackOne offers when the list cannot be read.
          </p>
          <select id={id('static_package_id')} value={f.static_package_id} onChange={set('static_package_id')} aria-describedby={described('static_package_id', true)}>
            <option value="">None</option>
            {model.packages.value.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
          </select>
        </>
      ) : (
        <>
          <label for={id('company_id')}>Recruitee company id (optional)</label>
          <p class="muted" id={id('company_id-hint')}>
            The number after "company=" in the Recruitee app's address; orders for other companies are then refused.
          </p>
          <input id={id('company_id')} value={f.company_id} onInput={set('company_id')} inputMode="numeric" autoComplete="off" aria-describedby={described('company_id', true)} />
        </>
      )}
      {err && (
        <p class="error" role="alert" id={id('error')}>
          {err.text}
        </p>
      )}
      <button type="submit" disabled={model.partnerBusy.value === provider}>
        {model.partnerBusy.value === provider ? 'Saving…' : 'Save'}
      </button>
    </form>
  );
}

function Fields({ s }: { s: PartnerSetup['setup'][number] }) {
  return (
    <>
      <h3>{s.title}</h3>
      <p class="muted">{s.where}</p>
      <dl class="facts">
        {s.fields.map((f) => (
          <Fragment key={f.label}>
            <dt>{f.label}</dt>
            <dd>
              {f.value ? <code>{f.value}</code> : '—'}
              {f.note && <span class="muted"> ({f.note})</span>}
            </dd>
          </Fragment>
        ))}
      </dl>
    </>
  );
}

function PartnerSetupPanel({ s }: { s: PartnerSetup }) {
  const name = SOURCE_LABEL[s.provider] ?? s.provider;
  return (
    <section class="card setup" aria-labelledby="partner-setup-title">
      <h2 id="partner-setup-title">{name} is connected: finish in {name}</h2>
      <p>
        <strong>Copy these now.</strong> The keys and tokens are shown only this once.
      </p>
      {s.provider === 'recruitee' ? (
        <>
          <h3>External Trigger Token</h3>
          <p class="muted">Recruitee → Marketplace → Assessments → your integration → Integrate: paste this token and click Integrate.</p>
          <dl class="facts">
            <dt>External Trigger Token</dt>
            <dd>
              <code data-field="external_trigger_token">{s.external_trigger_token}</code>
            </dd>
          </dl>
        </>
      ) : (
        <>
          <h3>External Trigger Token</h3>
          <p class="muted">
            StackOne's Connector Hub shows your External Trigger Token once your Recruitee account is linked: paste it into Recruitee → Marketplace → Assessments → your integration → Integrate.
          </p>
          <h3>Keys</h3>
          <dl class="facts">
            <dt>Package list key</dt>
            <dd>
              <code data-field="partner_api_key">{s.partner_api_key}</code> <span class="muted">(StackOne sends it when it asks for your package list)</span>
            </dd>
            <dt>Webhook secret</dt>
            <dd>
              <code data-field="webhook_secret">{s.webhook_secret}</code>
            </dd>
          </dl>
        </>
      )}
      {s.setup.map((sec) => (
        <Fields key={sec.title} s={sec} />
      ))}
    </section>
  );
}

function DisconnectConfirm({ model }: { model: IntegrationsModel }) {
  const d = model.disconnecting.value;
  const name = d ? (SOURCE_LABEL[d.provider] ?? d.provider) : '';
  return (
    <ConfirmDialog
      id="disconnect"
      open={!!d}
      title={`Disconnect ${name}?`}
      text={`Orders from ${name} stop arriving and no more results are written back to it. Assessments already sent stay as they are.`}
      error={model.disconnectError.value}
      yes="Yes, disconnect"
      no="Keep it connected"
      danger
      onYes={() => void model.disconnect()}
      onNo={() => model.keepConnected()}
    />
  );
}

function Card({ card, model }: { card: IntegrationCard; model: IntegrationsModel }) {
  const name = SOURCE_LABEL[card.provider] ?? card.provider;
  const h = `int-${card.provider}`;
  return (
    <section class="card integration" aria-labelledby={h} data-provider={card.provider}>
      <div class="card-head">
        <h2 id={h}>{name}</h2>
        <span class={`state state-${card.state}`}>
          <span aria-hidden="true">{STATE_MARK[card.state]}</span> {STATE_LABEL[card.state]}
        </span>
      </div>
      {card.connections.length === 0 && <p class="muted">{name} is not connected to your account.</p>}
      {card.connections.length === 0 && card.connect === 'greenhouse_form' && isAdmin.value && <GreenhouseForm model={model} />}
      {card.connections.length === 0 && card.connect === 'kombo_connect' && (
        <p>
          <a href="/connect">Connect your ATS through Kombo</a>
        </p>
      )}
      {card.connections.length === 0 && card.connect === 'kombo_unavailable' && (
        <p class="notice">Connecting through Kombo is not available yet: your assessment provider has not switched it on. Ask them to enable it, or to connect your ATS for you.</p>
      )}
      {card.connections.length === 0 && card.connect === 'lever_oauth' && isAdmin.value && <LeverConfigure model={model} />}
      {card.connections.length === 0 && card.connect === 'partner_form' && isAdmin.value && (card.provider === 'stackone' || card.provider === 'recruitee') && (
        <PartnerForm model={model} provider={card.provider} />
      )}
      {card.connections.length === 0 && card.connect === 'unavailable' && (
        <p class="notice">Connecting {name} is not available yet: your assessment provider has not set it up. Ask them to enable it, or to connect {name} for you.</p>
      )}
      {card.connections.length === 0 && card.connect === 'not_in_plan' && <p class="notice">{name} is not in your plan. Ask your assessment provider to add it.</p>}
      {card.connections.length === 0 && card.connect === 'operator' && <p class="notice">To connect {name}, ask your assessment provider: they set it up for your account.</p>}
      {card.connections.map((c) => (
        <div class="connection" key={c.id}>
          <dl class="facts">
            <dt>Connection</dt>
            <dd>
              <code>{c.id}</code> {c.status === 'pending' ? '(waiting for consent)' : ''}
            </dd>
            <dt>Last webhook</dt>
            <dd>{c.last_webhook_at ? when(c.last_webhook_at) : 'None received yet'}</dd>
            <dt>Last write-back</dt>
            <dd>{c.last_write_back_at ? when(c.last_write_back_at) : 'None yet'}</dd>
          </dl>
          {card.provider === 'lever' && c.status === 'pending' && isAdmin.value && <LeverConfigure model={model} />}
          {card.provider === 'lever' && c.status === 'active' && (
            <p>
              <a href="/dashboard/integrations/lever" onClick={onLinkClick}>
                Map Lever postings to assessments
              </a>
            </p>
          )}
          {c.jobs.length > 0 && (
            <>
              <h3>Deliveries with problems</h3>
              <ul class="jobs">
                {c.jobs.map((j) => (
                  <li key={j.id}>
                    <strong>{j.status === 'dead' ? 'Gave up' : 'Failing'}</strong>: {j.kind} after {j.attempts} {j.attempts === 1 ? 'attempt' : 'attempts'}
                    {j.last_error && <span class="muted"> — {j.last_error}</span>}
                    {j.status === 'dead' ? (
                      isAdmin.value && (
                      <button type="button" class="small" disabled={model.retrying.value === j.id} onClick={() => void model.retry(j.id)} aria-label={`Retry ${j.kind} ${j.id}`}>
                        Retry
                      </button>
                      )
                    ) : (
                      <span class="muted"> Next attempt {when(j.next_attempt_at)}.</span>
                    )}
                  </li>
                ))}
              </ul>
            </>
          )}
          {isAdmin.value && (
            <div class="actions">
              <button type="button" class="secondary small" onClick={() => void model.check(c.id)} disabled={model.checks.value[c.id] === 'running'}>
                Run checks
              </button>
              <button type="button" class="danger small" aria-label={`Disconnect ${name}`} onClick={() => model.askDisconnect(c.id, card.provider)}>
                Disconnect
              </button>
            </div>
          )}
          <Checks model={model} id={c.id} />
        </div>
      ))}
    </section>
  );
}

export function IntegrationsView({ model }: { model: IntegrationsModel }) {
  const state = model.state.value;
  return (
    <>
      <h1>Integrations</h1>
      <p class="muted">
        Each ATS your account can order from. To connect Kombo, use <a href="/connect">Connect your ATS</a>.
      </p>
      <p class="visually-hidden" role="status" aria-live="polite">
        {model.notice.value}
      </p>
      {model.ghSetup.value && <GreenhouseSetupPanel s={model.ghSetup.value} />}
      {model.partnerSetup.value && <PartnerSetupPanel s={model.partnerSetup.value} />}
      {state === 'loading' && <p aria-busy="true">Loading integrations…</p>}
      {state === 'error' && <LoadFailed message={model.error.value} onRetry={() => void model.load()} />}
      <DisconnectConfirm model={model} />
      {state === 'ready' && (
        <div class="cards">
          {model.cards.value.map((c) => (
            <Card key={c.provider} card={c} model={model} />
          ))}
        </div>
      )}
    </>
  );
}
