// The rules that let the server serve the widget's modules as one module (controllers/widget.py, bundle):
// checked here on the sources, before any browser sees the bundle.
import {test} from "node:test";
import assert from "node:assert/strict";
import {readFileSync, readdirSync} from "node:fs";
import vm from "node:vm";

const DIR = new URL("../../src/widget/", import.meta.url);
const read = (name) => readFileSync(new URL(name, DIR), "utf-8");
const controller = readFileSync(new URL("../../../controllers/widget.py", import.meta.url), "utf-8");
// the server's lists of modules, in their order: the core (widget.js), then the window (window.js)
const listed = (tuple) => controller.match(new RegExp(`^${tuple} = \\(([^)]*)\\)`, "m"))[1].match(/"[\w.]+"/g)
    .map((name) => JSON.parse(name));
const CORE = listed("WIDGET_MODULES");
const WINDOW = listed("WINDOW_MODULES");
const ORDER = [...CORE, ...WINDOW];
const IMPORT = /^import \{([\w\s,]*)\} from "\.\/(\w+\.js)";$/;

test("the server bundles every module of the folder, main.js last of the core", () => {
    assert.ok(CORE.length >= 5 && WINDOW.length >= 3, ORDER.join());
    assert.equal(CORE[CORE.length - 1], "main.js");
    const modules = readdirSync(DIR).filter((name) => name.endsWith(".js") && name !== "loader.js");
    assert.deepEqual([...modules].sort(), [...ORDER].sort(), "every module is in one part, once");
});

test("the core never imports from the window's modules (they are loaded when the chat opens)", () => {
    for (const name of CORE) {
        for (const match of read(name).matchAll(/^import .* from "\.\/(\w+\.js)";$/gm)) {
            assert.ok(CORE.includes(match[1]), `${name} imports ${match[1]}`);
        }
    }
    // and loads them by their URL next to its own
    assert.match(read("boot.js"), /import\(new URL\("window\.js", import\.meta\.url\)/);
});

test("each module imports, in one line, names that a module before it exports", () => {
    const exported = {};
    ORDER.forEach((name, index) => {
        const source = read(name);
        for (const line of source.split("\n")) {
            if (/^import\b/.test(line)) {
                const match = IMPORT.exec(line);
                assert.ok(match, `${name}: ${line}`);
                const [, names, from] = match;
                assert.ok(ORDER.indexOf(from) >= 0 && ORDER.indexOf(from) < index, `${name} imports ${from}, not before it`);
                for (const imported of names.split(",").map((part) => part.trim()).filter(Boolean)) {
                    assert.ok(exported[from].has(imported), `${name}: ${imported} is not exported by ${from}`);
                }
            } else if (/^export\b/.test(line)) {
                assert.match(line, /^export (async )?(function|class|const|let) \w+/, `${name}: ${line}`);
            }
        }
        exported[name] = new Set([...source.matchAll(/^export (?:async )?(?:function|class|const|let) (\w+)/gm)]
            .map((match) => match[1]));
    });
});

test("no top-level name is declared by two modules (they share one scope once bundled)", () => {
    const declared = {};
    for (const name of ORDER) {
        for (const match of read(name).matchAll(/^(?:export )?(?:async )?(?:function\*?|class|const|let|var) +(\w+)/gm)) {
            assert.ok(!(match[1] in declared), `${match[1]}: ${name} and ${declared[match[1]]}`);
            declared[match[1]] = name;
        }
    }
    assert.ok(!("WIDGET_CSS" in declared) && !("WINDOW_CSS" in declared), "the inlined stylesheets are the server's");
});

test("no line of code starts like a comment (the bundle drops whole-line comments)", () => {
    for (const name of ORDER) {
        const code = read(name).replace(/^[ \t]*(?:\/\*[\s\S]*?\*\/|\/\/.*)[ \t]*\n/gm, "");
        assert.doesNotMatch(code, /^[ \t]*(\/\/|\/\*)/m, name);
        assert.doesNotMatch(code, /^[ \t]*\*\//m, name);
    }
});

test("the loader, filled in, declares the widget and injects its module", () => {
    const source = read("loader.js").replaceAll("__CHANNEL_ID__", "7").replaceAll("__VERSION__", "abc123")
        .replaceAll("__FALLBACK_URL__", "https://chat.example.com/livechat/loader/7.js");
    assert.doesNotMatch(source, /__[A-Z_]+__/);
    const appended = [];
    const element = {};
    const document = {
        currentScript: {src: "https://chat.example.com/livechat/loader/7.js?page=1", dataset: {position: "left"}},
        baseURI: "https://shop.example.com/",
        createElement: (tag) => Object.assign(element, {tag}),
        head: {appendChild: (node) => appended.push(node)},
    };
    const window = {};
    vm.runInNewContext(source, {window, document, URL});
    assert.deepEqual(JSON.parse(JSON.stringify(window.odooLivechat)), {channelId: 7, serverUrl: "https://chat.example.com",
        version: "abc123", fullPage: true, options: {position: "left"}});
    assert.deepEqual(appended, [element]);
    assert.equal(element.type, "module");
    assert.equal(element.src, "https://chat.example.com/livechat/widget/abc123/widget.js");
    // a second copy of the snippet on the page does nothing
    vm.runInNewContext(source, {window, document, URL});
    assert.equal(appended.length, 1);
});
