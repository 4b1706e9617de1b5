import { createContext, type ComponentChildren } from 'preact';
import { useContext } from 'preact/hooks';
import { t, type Lang, type MessageKey } from './i18n.js';
import type { ApiMessage } from './api.js';

export const LangContext = createContext<Lang>('zh');

/** The current language's text for a key. */
export function useT(): (key: MessageKey, values?: Record<string, string | number>) => string {
  const lang = useContext(LangContext);
  return (key, values) => t(lang, key, values);
}

export function useLang(): Lang {
  return useContext(LangContext);
}

/** Something to tell the cashier: one of the screen's own messages, or the API's (both languages). */
export type Notice = { tone: 'error' | 'info' | 'ok'; key?: MessageKey; values?: Record<string, string | number>; api?: ApiMessage; code?: string };

export function NoticeBar(props: { notice: Notice | null; onClose: () => void }) {
  const tr = useT();
  const lang = useLang();
  const n = props.notice;
  if (!n) return null;
  const text = n.api ? n.api[lang] : n.key ? tr(n.key, n.values) : '';
  return (
    <div class={`notice notice-${n.tone}`} role={n.tone === 'error' ? 'alert' : 'status'} data-testid="notice">
      <span class="notice-text">
        {n.tone === 'error' ? <strong>{tr('errorTitle')}: </strong> : null}
        {text}
        {n.code ? <small class="code"> ({n.code})</small> : null}
      </span>
      <button class="btn btn-small" onClick={props.onClose} data-testid="notice-close">
        {tr('close')}
      </button>
    </div>
  );
}

export function Button(props: {
  onClick: () => void;
  children: ComponentChildren;
  kind?: 'primary' | 'danger' | 'plain' | 'ok';
  disabled?: boolean;
  testid?: string;
  big?: boolean;
  class?: string;
}) {
  return (
    <button
      type="button"
      class={`btn btn-${props.kind ?? 'plain'}${props.big ? ' btn-big' : ''}${props.class ? ` ${props.class}` : ''}`}
      onClick={props.onClick}
      disabled={props.disabled}
      data-testid={props.testid}
    >
      {props.children}
    </button>
  );
}

const KEYS = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '.', '0', 'back'] as const;

export function Keypad(props: { onKey: (key: string) => void; disabled?: boolean; testid?: string }) {
  return (
    <div class="keypad" data-testid={props.testid ?? 'keypad'}>
      {KEYS.map((key) => (
        <button type="button" class="key" disabled={props.disabled} onClick={() => props.onKey(key)} data-testid={`key-${key}`} aria-label={key === 'back' ? '⌫' : key}>
          {key === 'back' ? '⌫' : key}
        </button>
      ))}
    </div>
  );
}

export function Screen(props: { title?: string; children: ComponentChildren; testid: string; onBack?: () => void }) {
  const tr = useT();
  return (
    <section class="screen" data-testid={props.testid}>
      {props.title !== undefined || props.onBack ? (
        <header class="screen-head">
          {props.onBack ? (
            <Button onClick={props.onBack} testid="back">
              ‹ {tr('back')}
            </Button>
          ) : null}
          {props.title !== undefined ? <h2>{props.title}</h2> : null}
        </header>
      ) : null}
      {props.children}
    </section>
  );
}
