// The rules that let the server serve the widget's modules as one module (controllers/widget.py, bundle):
// checked here on the sources, before any browser sees the bundle.
import {test} from "node:test";
import assert from "node:assert/strict";
import {readFileSync} from "node:fs";
import vm from "node:vm";

const DIR = new URL("../../src/widget/", import.meta.url);
const read = (name) => readFileSync(new URL(name, DIR), "utf-8");
const controller = readFileSync(new URL("../../../controllers/widget.py", import.meta.url), "utf-8");
// the server's list of modules, in their order
const ORDER = controller.match(/^WIDGET_MODULES = \(([^)]*)\)/m)[1].match(/"[\w.]+"/g).map((name) => JSON.parse(name));
const IMPORT = /^import \{([\w\s,]*)\} from "\.\/(\w+\.js)";$/;

test("the server bundles every module of the folder, main.js last", () => {
    assert.ok(ORDER.length >= 5, ORDER.join());
    assert.equal(ORDER[ORDER.length - 1], "main.js");
    for (const name of ORDER) {
        assert.ok(read(name).length > 0, name);
    }
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
    assert.ok(!("WIDGET_CSS" in declared), "WIDGET_CSS is the server's (the inlined stylesheet)");
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
        currentScript: {src: "https://chat.example.com/livechat/loader/7.js?page=1"},
        baseURI: "https://shop.example.com/",
        createElement: (tag) => Object.assign(element, {tag}),
        head: {appendChild: (node) => appended.push(node)},
    };
    const window = {};
    vm.runInNewContext(source, {window, document, URL});
    assert.deepEqual({...window.odooLivechat}, {channelId: 7, serverUrl: "https://chat.example.com", version: "abc123",
        fullPage: true});
    assert.deepEqual(appended, [element]);
    assert.equal(element.type, "module");
    assert.equal(element.src, "https://chat.example.com/livechat/widget/abc123/widget.js");
    // a second copy of the snippet on the page does nothing
    vm.runInNewContext(source, {window, document, URL});
    assert.equal(appended.length, 1);
});
