import {
  Component,
  type ComponentType,
  type LazyExoticComponent,
  lazy,
  type ReactNode,
  Suspense,
} from "react";
import { useI18n } from "../lib/i18n.tsx";
import { Loading } from "./error-message.tsx";

/** Shown when a part's code could not be downloaded (offline, or a new version replaced it). */
function LoadFailed() {
  const { t } = useI18n();
  return (
    <div>
      <p role="alert" className="alert alert-error">
        {t("web.error.network")}
      </p>
      <button type="button" className="button" onClick={() => window.location.reload()}>
        {t("web.common.retry")}
      </button>
    </div>
  );
}

class LoadError extends Error {}

/** Catches a failed download only: any other error goes on up as it did before. */
class LoadBoundary extends Component<{ children: ReactNode }, { error: unknown }> {
  override state: { error: unknown } = { error: null };

  static getDerivedStateFromError(error: unknown): { error: unknown } {
    return { error };
  }

  override render() {
    const { error } = this.state;
    if (error === null) return this.props.children;
    if (error instanceof LoadError) return <LoadFailed />;
    throw error;
  }
}

/**
 * A part of the panel whose code is downloaded the first time it is shown, in a chunk of its
 * own, so that the first page does not wait for it: `load` is `() => import("…").then((m) =>
 * m.Part)`. Show it inside `<OnDemand>`.
 */
export function lazyPart<Props extends object>(
  load: () => Promise<ComponentType<Props>>,
): LazyExoticComponent<ComponentType<Props>> {
  return lazy(() =>
    load().then(
      (part) => ({ default: part }),
      (cause: unknown) => {
        throw new LoadError("the part's code could not be downloaded", { cause });
      },
    ),
  );
}

/** Where parts made by `lazyPart` are shown: "Loading…" until their code has arrived. */
export function OnDemand(props: { children: ReactNode }) {
  return (
    <LoadBoundary>
      <Suspense fallback={<Loading />}>{props.children}</Suspense>
    </LoadBoundary>
  );
}
