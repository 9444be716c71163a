import { useEffect, useRef, type ReactNode } from 'react';

/**
 * The page after creating something that comes with an invitation (a town,
 * a partner): focus moves here so screen readers announce the outcome, and
 * `children` offer where to go next. The link itself went by mail to the
 * invited address only (ADR 023): nobody else ever sees it.
 */
export function InvitationSent({
  id,
  title,
  intro,
  children,
}: {
  id: string;
  title: string;
  intro: string;
  children: ReactNode;
}) {
  const panel = useRef<HTMLDivElement>(null);
  useEffect(() => panel.current?.focus(), []);
  return (
    <div
      ref={panel}
      tabIndex={-1}
      className="card notice notice--success"
      role="status"
      aria-labelledby={`${id}-title`}
    >
      <h2 id={`${id}-title`}>{title}</h2>
      <p>{intro}</p>
      <ul className="link-list">{children}</ul>
    </div>
  );
}
