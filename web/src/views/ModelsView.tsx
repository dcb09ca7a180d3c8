import { useEffect, useState } from 'react';
import { ApiError } from '../api/http';
import { deleteAlias, searchModels, searchVersions, setAlias, transitionStage, type ModelVersion, type RegisteredModel } from '../api/registry';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { ErrorMessage } from '../components/ErrorMessage';
import { formatDateTime } from '../lib/format';
import type { ViewProps } from '../lib/view';

const STAGES = ['None', 'Staging', 'Production', 'Archived'];

interface Pending {
  title: string;
  run: () => Promise<void>;
}

/**
 * The SemVer of a version of the Git-tag registry, whose source is its tag and path (`churn@v1.2.0:models/churn.pkl`);
 * null for the database registry's versions, which are only numbered.
 */
function gitVersion(model: string, source: string | undefined): string | null {
  if (!source?.startsWith(`${model}@`)) return null;
  return /^@(v\d+\.\d+\.\d+[^:]*):/.exec(source.slice(model.length))?.[1] ?? null;
}

/** `#/models?model=NAME`: registered models, their versions and aliases; promote and demote with a confirmation. */
export function ModelsView({ query, navigate }: ViewProps) {
  const [models, setModels] = useState<RegisteredModel[] | null>(null);
  const [versions, setVersions] = useState<ModelVersion[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [pending, setPending] = useState<Pending | null>(null);
  const [generation, setGeneration] = useState(0);
  const [aliasInput, setAliasInput] = useState<Record<string, string>>({});
  const selected = query.model ?? models?.[0]?.name;
  useEffect(() => {
    searchModels().then(setModels, setError);
  }, [generation]);
  useEffect(() => {
    if (selected) searchVersions(selected).then((v) => setVersions(v.sort((a, b) => Number(b.version) - Number(a.version))), setError);
  }, [selected, generation]);
  if (!models) return error ? <div className="view"><ErrorMessage error={error} /></div> : <div className="loading">Loading…</div>;
  const model = models.find((m) => m.name === selected);
  // What people call a version: its SemVer in the Git-tag registry, else MLflow's number.
  const label = (num: string) => (model && gitVersion(model.name, versions.find((v) => v.version === num)?.source)) ?? `v${num}`;
  const confirm = async () => {
    if (!pending) return;
    try {
      await pending.run();
      setError(null);
    } catch (e) {
      setError(e instanceof ApiError && e.status === 403 ? new ApiError('Your token may only read: promoting a model needs a token with the write scope.', 403, e.errorCode, 'ask an admin for one: cairn server token create --scope write') : e);
    }
    setPending(null);
    setGeneration((g) => g + 1);
  };
  return (
    <div className="view models-view">
      <h1>Models</h1>
      <ErrorMessage error={error} />
      {models.length === 0 && <p className="muted">No registered models yet.</p>}
      <div className="models-layout">
        <ul className="model-list">
          {models.map((m) => (
            <li key={m.name}>
              <a href={`#/models?model=${encodeURIComponent(m.name)}`} className={m.name === selected ? 'active' : undefined} onClick={(e) => (e.preventDefault(), navigate('/models', { model: m.name }))}>
                {m.name}
              </a>{' '}
              <span className="muted">{(m.aliases ?? []).map((a) => `@${a.alias}→${gitVersion(m.name, m.latest_versions?.find((v) => v.version === a.version)?.source) ?? `v${a.version}`}`).join(' ')}</span>
            </li>
          ))}
        </ul>
        {model && (
          <section>
            <h2>{model.name}</h2>
            {model.description && <p>{model.description}</p>}
            <p data-testid="aliases">
              Aliases:{' '}
              {(model.aliases ?? []).length === 0 ? <span className="muted">none</span> : (model.aliases ?? []).map((a) => (
                    <span key={a.alias} className="alias">
                      @{a.alias} → {label(a.version)}{' '}
                      <button
                        type="button"
                        className="icon"
                        aria-label={`Demote: remove @${a.alias}`}
                        title={`Remove @${a.alias} (demote ${label(a.version)})`}
                        onClick={() => setPending({ title: `Remove @${a.alias} of ${model.name} from ${label(a.version)}? Nothing will point at it.`, run: () => deleteAlias(model.name, a.alias) })}
                      >
                        ×
                      </button>
                    </span>
                  ))}
            </p>
            <table className="grid">
              <thead>
                <tr><th>version</th><th>stage</th><th>aliases</th><th>run</th><th>created</th><th>promote</th></tr>
              </thead>
              <tbody>
                {versions.map((v) => (
                  <tr key={v.version} data-testid={`version-${v.version}`}>
                    <td title={`MLflow version ${v.version}`}>{label(v.version)}</td>
                    <td>
                      <select value={v.current_stage} aria-label={`stage of v${v.version}`} onChange={(e) => {
                        const stage = e.target.value;
                        setPending({ title: `Move ${model.name} ${label(v.version)} from ${v.current_stage} to ${stage}?`, run: () => transitionStage(model.name, v.version, stage) });
                      }}>
                        {STAGES.map((s) => <option key={s}>{s}</option>)}
                      </select>
                    </td>
                    <td>{(v.aliases ?? []).map((a) => <span key={a} className="alias">@{a}</span>)}</td>
                    <td>{v.run_id ? <a href={`#/runs/${encodeURIComponent(v.run_id)}`}>{v.run_id.slice(0, 8)}</a> : <span className="muted">{v.source}</span>}</td>
                    <td>{formatDateTime(v.creation_timestamp)}</td>
                    <td>
                      <input type="text" placeholder="alias, e.g. champion" size={14} value={aliasInput[v.version] ?? ''} onChange={(e) => setAliasInput({ ...aliasInput, [v.version]: e.target.value })} aria-label={`alias for v${v.version}`} />{' '}
                      <button disabled={!(aliasInput[v.version] ?? '').trim()} onClick={() => {
                        const alias = aliasInput[v.version].trim();
                        const current = (model.aliases ?? []).find((a) => a.alias === alias);
                        setPending({
                          title: current ? `Move @${alias} of ${model.name} from ${label(current.version)} to ${label(v.version)}?` : `Point @${alias} of ${model.name} at ${label(v.version)}?`,
                          run: () => setAlias(model.name, alias, v.version),
                        });
                      }}>Set alias</button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
        )}
      </div>
      {pending && <ConfirmDialog title={pending.title} onConfirm={() => void confirm()} onCancel={() => setPending(null)} />}
    </div>
  );
}
