import { type FakeWebServer, startFakeWebServer } from "@smol/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ToolConfigurationError } from "../errors.js";
import { htmlToMarkdown } from "./html-to-markdown.js";
import { truncateText, VisitWebpageTool } from "./visit-webpage-tool.js";

const paragraph = (topic: string) =>
  `<p>The ${topic} is described here at some length, so that the reader finds the main content of this page ` +
  "worth reading, with enough words that a readability algorithm takes it for an article rather than furniture.</p>";

const ARTICLE = `<!DOCTYPE html>
<html lang="en">
<head>
  <title>Leopards of the Pont des Arts</title>
  <style>body { color: red }</style>
  <script>window.tracking = "SECRET-TRACKER";</script>
</head>
<body>
  <header><a href="/">Site home</a> <span>Sign in to continue</span></header>
  <nav><ul><li><a href="/menu-1">Menu entry one</a></li><li><a href="/menu-2">Menu entry two</a></li></ul></nav>
  <main>
    <article>
      <h1>How fast is a leopard?</h1>
      ${paragraph("speed of a leopard")}
      ${paragraph("length of the Pont des Arts")}
      <h2>Numbers</h2>
      <ul><li>Top speed: 58 km/h</li><li>Bridge length: 155 m</li></ul>
      <table><tr><th>Animal</th><th>Speed</th></tr><tr><td>Leopard</td><td>58 km/h</td></tr></table>
      <p>Read <a href="/sources/speed?x=1">the sources</a> or <a href="https://other.example/page">elsewhere</a>.</p>
      <img src="/leopard.png" alt="A leopard running">
      <script>alert("inside the article")</script>
    </article>
  </main>
  <aside>Related: ten other animals you will love</aside>
  <footer>Copyright 2024, all rights reserved</footer>
</body>
</html>`;

let web: FakeWebServer;
beforeAll(async () => {
  web = await startFakeWebServer({
    pages: {
      "/article": { body: ARTICLE },
      "/long": {
        body: `<html><head><title>Long</title></head><body><main>${`<p>${"word ".repeat(60)}</p>`.repeat(200)}</main></body></html>`,
      },
      "/hang": { hang: true },
      "/report.pdf": { contentType: "application/pdf", body: "%PDF-1.7 binary…" },
      "/photo": { contentType: "image/jpeg", body: new Uint8Array([0xff, 0xd8, 0xff]) },
      "/data.json": { contentType: "application/json", body: '{"answer": 42}' },
      "/notes.txt": { contentType: "text/plain; charset=utf-8", body: "line one\n\n\n\nline two  \n" },
      "/latin1": {
        contentType: "text/html; charset=iso-8859-1",
        body: Buffer.from(
          "<html><head><title>Caf\u00e9</title></head><body><p>Cr\u00e8me br\u00fbl\u00e9e</p></body></html>",
          "latin1",
        ),
      },
      "/forbidden": { status: 403, body: "<h1>Forbidden</h1>" },
      "/broken": { status: 500, body: "oops" },
      "/moved": { status: 301, headers: { location: "/article" }, body: "" },
      "/empty": { body: "<html><head></head><body><script>only()</script></body></html>" },
    },
  });
});
afterAll(() => web.close());

const visit = (options: ConstructorParameters<typeof VisitWebpageTool>[0] = {}) =>
  new VisitWebpageTool(options);

describe("VisitWebpageTool", () => {
  it("returns the main content as Markdown, without scripts, styles or page furniture", async () => {
    const output = (await visit().call({ url: `${web.url}/article` })) as string;
    expect(output.startsWith("# Leopards of the Pont des Arts\n\n")).toBe(true);
    expect(output).toContain("How fast is a leopard?");
    expect(output).toContain("## Numbers");
    expect(output).toContain("- Top speed: 58 km/h");
    expect(output).toContain("| Animal | Speed |\n| --- | --- |\n| Leopard | 58 km/h |");
    expect(output).toContain(`[the sources](${web.url}/sources/speed?x=1)`);
    expect(output).toContain("[elsewhere](https://other.example/page)");
    expect(output).toContain(`![A leopard running](${web.url}/leopard.png)`);
    for (const noise of [
      "SECRET-TRACKER",
      "color: red",
      "inside the article",
      "Menu entry",
      "Sign in",
      "Copyright",
      "ten other animals",
    ]) {
      expect(output).not.toContain(noise);
    }
    expect(output).not.toMatch(/\n{3,}/);
  });

  it("keeps the whole page when asked to", async () => {
    const output = (await visit({ mainContentOnly: false }).call({ url: `${web.url}/article` })) as string;
    expect(output).toContain("How fast is a leopard?");
    expect(output).not.toContain("Menu entry"); // furniture goes all the same
  });

  it("cuts long pages at maxOutputLength with a marker", async () => {
    const output = (await visit({ maxOutputLength: 1000 }).call({ url: `${web.url}/long` })) as string;
    // Only the start of the page was converted: the length of its whole text is given instead.
    expect(output).toMatch(
      /\n\n\.\.\._This content was truncated: it has about 6\d{4} characters of text and only the first 1000 are shown\._$/,
    );
    expect(output.length).toBeLessThan(1200);
    const full = (await visit().call({ url: `${web.url}/long` })) as string;
    expect(full.length).toBeLessThanOrEqual(40_000 + 200);
    expect(full).toContain("only the first 40000 are shown");
  });

  it("gives up on a page that never answers, after timeoutSeconds", async () => {
    const output = await visit({ timeoutSeconds: 0.3 }).call({ url: `${web.url}/hang` });
    expect(output).toBe(
      `Could not visit ${web.url}/hang: no complete answer within 0.3 s. Check the address, or try again later.`,
    );
  });

  it("explains HTTP errors", async () => {
    expect(await visit().call({ url: `${web.url}/missing` })).toBe(
      `Could not visit ${web.url}/missing: the server answered HTTP 404 Not Found. The page does not exist: check the address, or search for the page.`,
    );
    expect(await visit().call({ url: `${web.url}/forbidden` })).toContain(
      "HTTP 403 Forbidden. The site refuses access",
    );
    expect(await visit().call({ url: `${web.url}/broken` })).toContain(
      "HTTP 500 Internal Server Error. The site has a problem",
    );
  });

  it("follows redirects", async () => {
    expect(await visit().call({ url: `${web.url}/moved` })).toContain("How fast is a leopard?");
  });

  it("says what a file that is not a web page is", async () => {
    expect(await visit().call({ url: `${web.url}/report.pdf` })).toBe(
      `The address ${web.url}/report.pdf is not a web page but a PDF document (content type application/pdf): this tool only reads HTML and text.`,
    );
    expect(await visit().call({ url: `${web.url}/photo` })).toContain(
      "is not a web page but an image (content type image/jpeg)",
    );
  });

  it("returns plain text and JSON as they are", async () => {
    expect(await visit().call({ url: `${web.url}/data.json` })).toBe('{"answer": 42}');
    expect(await visit().call({ url: `${web.url}/notes.txt` })).toBe("line one\n\nline two");
  });

  it("decodes the charset the server names", async () => {
    expect(await visit().call({ url: `${web.url}/latin1` })).toBe("# Café\n\nCrème brûlée");
  });

  it("says when a page has no text", async () => {
    expect(await visit().call({ url: `${web.url}/empty` })).toBe(
      `The page at ${web.url}/empty has no readable text.`,
    );
  });

  it("refuses addresses that are not http(s), and adds https:// to a bare host", async () => {
    expect(await visit().call({ url: "file:///etc/passwd" })).toBe(
      '"file:///etc/passwd" is not a web address this tool can visit: give a full http:// or https:// URL.',
    );
    let asked = "";
    const tool = visit({
      fetch: async (input) => {
        asked = String(input);
        return new Response("hello", { headers: { "content-type": "text/plain" } });
      },
    });
    expect(await tool.call({ url: "example.com/page" })).toBe("hello");
    expect(asked).toBe("https://example.com/page");
  });

  it("explains a host that cannot be reached", async () => {
    const closed = await startFakeWebServer();
    await closed.close();
    expect(await visit().call({ url: `${closed.url}/x` })).toBe(
      `Could not visit ${closed.url}/x: the connection was refused (ECONNREFUSED). Check the address, or try again later.`,
    );
  });

  it("throws the caller's abort rather than explaining it", async () => {
    const controller = new AbortController();
    const pending = visit().call({ url: `${web.url}/hang` }, { signal: controller.signal });
    controller.abort(new Error("agent interrupted"));
    await expect(pending).rejects.toThrow("agent interrupted");
  });

  it("checks its options", () => {
    expect(() => visit({ maxOutputLength: 10 })).toThrow(ToolConfigurationError);
    expect(() => visit({ timeoutSeconds: 0 })).toThrow("timeoutSeconds must be positive; got 0.");
    expect(() => visit().validate()).not.toThrow();
  });
});

describe("htmlToMarkdown", () => {
  it("falls back to the whole page when Readability finds no article", () => {
    const { title, markdown } = htmlToMarkdown(
      "<title>T</title><div><p>Short note.</p><p>Another.</p></div>",
      "https://x.org/",
    );
    expect(title).toBe("T");
    expect(markdown).toBe("Short note.\n\nAnother.");
  });
});

describe("truncateText", () => {
  it("leaves short text alone and says how long the whole was", () => {
    expect(truncateText("abc", 10)).toBe("abc");
    expect(truncateText("abc", 10, 500)).toBe(
      "abc\n\n..._This content was truncated: it has about 500 characters of text and only the first 3 are shown._",
    );
    expect(truncateText("abcdef", 3)).toBe(
      "abc\n\n..._This content was truncated: it has 6 characters and only the first 3 are shown._",
    );
  });
});
