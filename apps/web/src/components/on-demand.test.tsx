// @vitest-environment jsdom
import { screen } from "@testing-library/react";
import { Component, type ReactNode } from "react";
import { describe, expect, it, vi } from "vitest";
import { renderWithProviders } from "../testing/render.tsx";
import { lazyPart, OnDemand } from "./on-demand.tsx";

function Greeting(props: { name: string }) {
  return <p>Hello {props.name}</p>;
}

function Broken(): never {
  throw new Error("a bug in the part");
}

/** What an error boundary above the part would catch. */
class Above extends Component<{ children: ReactNode }, { error: Error | null }> {
  override state: { error: Error | null } = { error: null };

  static getDerivedStateFromError(error: Error) {
    return { error };
  }

  override render() {
    return this.state.error ? <p>caught above: {this.state.error.message}</p> : this.props.children;
  }
}

/** A download the test finishes when it wants. */
function pending<T>() {
  let settle: { resolve: (value: T) => void; reject: (error: unknown) => void } | undefined;
  const promise = new Promise<T>((resolve, reject) => {
    settle = { resolve, reject };
  });
  if (!settle) throw new Error("unreachable");
  return { promise, ...settle };
}

describe("a part loaded on demand", () => {
  it("reads Loading… until its code has arrived, then shows it with its props", async () => {
    const download = pending<typeof Greeting>();
    const load = vi.fn(() => download.promise);
    const Part = lazyPart(load);
    expect(load).not.toHaveBeenCalled(); // nothing is downloaded before the part is shown

    renderWithProviders(
      <OnDemand>
        <Part name="Ana" />
      </OnDemand>,
    );
    expect(await screen.findByText("Loading…")).toBeTruthy();
    download.resolve(Greeting);
    expect(await screen.findByText("Hello Ana")).toBeTruthy();
    expect(screen.queryByText("Loading…")).toBeNull();
    expect(load).toHaveBeenCalledTimes(1);
  });

  it("says the server cannot be reached, in the chosen language, when the download fails", async () => {
    vi.spyOn(console, "error").mockImplementation(() => {});
    const Part = lazyPart<{ name: string }>(() =>
      Promise.reject(new TypeError("Failed to fetch dynamically imported module")),
    );
    renderWithProviders(
      <OnDemand>
        <Part name="Ana" />
      </OnDemand>,
      { locale: "fr" },
    );
    expect((await screen.findByRole("alert")).textContent).toMatch(/serveur/);
    expect(screen.getByRole("button", { name: "Réessayer" })).toBeTruthy();
  });

  it("lets any other error go on up rather than call it a network failure", async () => {
    vi.spyOn(console, "error").mockImplementation(() => {});
    const Part = lazyPart(() => Promise.resolve(Broken));
    renderWithProviders(
      <Above>
        <OnDemand>
          <Part />
        </OnDemand>
      </Above>,
    );
    expect(await screen.findByText("caught above: a bug in the part")).toBeTruthy();
    expect(screen.queryByRole("alert")).toBeNull();
  });
});
