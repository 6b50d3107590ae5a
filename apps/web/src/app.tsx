import type { Me } from "@scripts-email/contracts";
import { useEffect, useRef } from "react";
import { ErrorAlert, Loading } from "./components/error-message.tsx";
import { LanguageSwitch } from "./components/language-switch.tsx";
import { lazyPart, OnDemand } from "./components/on-demand.tsx";
import { CaptureModeBanner } from "./features/app-info/components/capture-mode-banner.tsx";
import { useMe } from "./features/auth/api/get-me.ts";
import { LoginForm } from "./features/auth/components/login-form.tsx";
import { UserMenu } from "./features/auth/components/user-menu.tsx";
import { HostingsPage } from "./features/hostings/components/hostings-page.tsx";
import { ScriptsEmailPage } from "./features/scripts-email/components/scripts-email-page.tsx";
import { I18nProvider, useI18n } from "./lib/i18n.tsx";
import { Link, matchRoute, paths, type Route, useLocation } from "./lib/router.tsx";

// Support's pages and the account page are not what a customer opens first: loaded on demand.
const FleetPage = lazyPart(() =>
  import("./features/fleet/components/fleet-page.tsx").then((m) => m.FleetPage),
);
const AuditPage = lazyPart(() =>
  import("./features/support/components/audit-page.tsx").then((m) => m.AuditPage),
);
const AccountPage = lazyPart(() =>
  import("./features/account/components/account-page.tsx").then((m) => m.AccountPage),
);

function Page(props: { route: Route; user: Me }) {
  const { t } = useI18n();
  const { route, user } = props;
  switch (route.name) {
    case "hostings":
      return user.role === "support" ? (
        <OnDemand>
          <FleetPage />
        </OnDemand>
      ) : (
        <HostingsPage />
      );
    case "hosting":
      return (
        <ScriptsEmailPage key={route.serviceName} serviceName={route.serviceName} user={user} />
      );
    case "audit":
      if (user.role === "support") {
        return (
          <OnDemand>
            <AuditPage serviceName={route.serviceName} />
          </OnDemand>
        );
      }
      break;
    case "account":
      return (
        <OnDemand>
          <AccountPage user={user} />
        </OnDemand>
      );
  }
  return (
    <>
      <h1 tabIndex={-1}>{t("web.notFound.title")}</h1>
      <p>
        <Link href={paths.hostings()}>{t("web.nav.backToHostings")}</Link>
      </p>
    </>
  );
}

function Layout(props: { user: Me }) {
  const { t } = useI18n();
  const location = useLocation();
  const route = matchRoute(location);
  const mainRef = useRef<HTMLElement>(null);
  const first = useRef(true);

  // after a client-side navigation, move focus to the new page's heading as a page load would
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs on each new path on purpose
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    const main = mainRef.current;
    if (!main) return;
    const focusHeading = () => {
      const heading = main.querySelector<HTMLElement>("h1");
      heading?.focus();
      return heading !== null;
    };
    if (focusHeading()) return;
    // a page loaded on demand shows its heading once its code has arrived
    const observer = new MutationObserver(() => {
      if (focusHeading()) observer.disconnect();
    });
    observer.observe(main, { childList: true, subtree: true });
    return () => observer.disconnect();
  }, [location.pathname]);

  return (
    <>
      <a className="skip-link" href="#main">
        {t("web.nav.skip")}
      </a>
      <header className="topbar">
        <Link href={paths.hostings()} className="brand">
          {t("web.app.name")}
        </Link>
        <nav aria-label={t("web.nav.label")} className="topnav">
          <Link
            href={paths.hostings()}
            aria-current={route.name === "hostings" ? "page" : undefined}
          >
            {t("web.nav.hostings")}
          </Link>
          {props.user.role === "support" && (
            <Link href={paths.audit()} aria-current={route.name === "audit" ? "page" : undefined}>
              {t("web.nav.audit")}
            </Link>
          )}
          <Link href={paths.account()} aria-current={route.name === "account" ? "page" : undefined}>
            {t("web.nav.account")}
          </Link>
        </nav>
        <div className="topbar-end">
          <LanguageSwitch />
          <UserMenu user={props.user} />
        </div>
      </header>
      <main id="main" ref={mainRef} className="container">
        <CaptureModeBanner />
        <Page route={route} user={props.user} />
      </main>
    </>
  );
}

function Shell(props: { me: ReturnType<typeof useMe> }) {
  const { t } = useI18n();
  const { me } = props;
  if (me.isPending) {
    return (
      <main className="container">
        <Loading />
      </main>
    );
  }
  if (me.isError) {
    return (
      <main className="container">
        <h1>{t("web.app.name")}</h1>
        <ErrorAlert error={me.error} />
        <button type="button" className="button" onClick={() => void me.refetch()}>
          {t("web.common.retry")}
        </button>
      </main>
    );
  }
  if (!me.data) return <LoginForm />;
  return <Layout user={me.data} />;
}

export function App() {
  const me = useMe();
  return (
    <I18nProvider userLocale={me.data?.locale}>
      <Shell me={me} />
    </I18nProvider>
  );
}
