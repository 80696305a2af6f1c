import type { ReactNode } from 'react';
import type { ScenarioReport } from '../scenarios/report.js';

/** A scenario's outcome; its counted facts become `data-*` attributes for the e2e test. */
function Report({ report }: { report: ScenarioReport | undefined }) {
  if (!report) return null;
  const facts = Object.fromEntries(
    Object.entries(report.facts ?? {}).map(([key, value]) => [`data-${key.toLowerCase()}`, value]),
  );
  return (
    <div className={`report tone-${report.tone}`} data-testid="outcome" {...facts}>
      <strong>{report.headline}</strong>
      <ul>
        {report.lines.map((line) => (
          <li key={line}>{line}</li>
        ))}
      </ul>
    </div>
  );
}

export interface ScenarioCardProps {
  id: string;
  n: number;
  title: string;
  /** Which write-ups the scenario answers, e.g. `seed 001`. */
  seeds: string;
  /** What the button does, in a sentence or two. */
  children: ReactNode;
  actions: ReactNode;
  /** Shown between the buttons and the outcome. */
  extra?: ReactNode;
  report: ScenarioReport | undefined;
}

export function ScenarioCard(props: ScenarioCardProps) {
  return (
    <li className="scenario" data-testid={`scenario-${props.id}`}>
      <div className="scenario-head">
        <span className="scenario-n">{props.n}</span>
        <h3>{props.title}</h3>
        <span className="seed">{props.seeds}</span>
      </div>
      <p className="scenario-text">{props.children}</p>
      <div className="actions">{props.actions}</div>
      {props.extra}
      <Report report={props.report} />
    </li>
  );
}
