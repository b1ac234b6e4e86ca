package remedy

import (
	"bytes"
	"fmt"
	"go/format"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// samples are the secrets every snippet is rendered for: the seed types, a
// name that collides with keywords, one that starts with a digit, and a
// team path template, so that placeholder substitution is exercised too.
var samples = []struct {
	s Secret
	o Options
}{
	{Secret{RuleID: "smtp-password", Name: "SMTP credentials", EnvVar: "SMTP_PASSWORD"}, Options{Repo: "shop"}},
	{Secret{RuleID: "mailjet-secret-key", Name: "Mailjet secret key", EnvVar: "MJ_APIKEY_PRIVATE"}, Options{Repo: "my app!"}},
	{Secret{RuleID: "aws-ses-smtp-password", Name: "Amazon SES SMTP password"}, Options{SecretPath: "kv/data/{repo}/prod/{name}", Repo: "billing"}},
	{Secret{RuleID: "mailgun-api-key", Name: "Mailgun API key", EnvVar: "MAILGUN_API_KEY"}, Options{SecretPath: "apps/{repo}", Repo: "mailer"}},
	{Secret{RuleID: "crates-io-token", Name: "crates.io API token", EnvVar: "CARGO_REGISTRY_TOKEN"}, Options{}},
	{Secret{RuleID: "class", Name: `odd "name" */`}, Options{Repo: "x"}},
	{Secret{RuleID: "2fa-seed", Name: "2FA seed"}, Options{Repo: "y"}},
}

var leftover = regexp.MustCompile(`@[A-Z_]+@`)

// rendered is one rendered snippet and where it came from.
type rendered struct {
	name string // for failure messages
	lang Lang
	code string
}

// renderAll renders every snippet for every sample.
func renderAll(t *testing.T) []rendered {
	t.Helper()
	c, err := data()
	if err != nil {
		t.Fatal(err)
	}
	var out []rendered
	for i, smp := range samples {
		r := newRef(smp.s, smp.o)
		for j, sn := range c.Snippets {
			code := r.render(sn.Code)
			if m := leftover.FindString(code); m != "" {
				t.Errorf("%s/%s: placeholder %s left after rendering", sn.Backend, sn.Lang, m)
			}
			out = append(out, rendered{fmt.Sprintf("%s-%s-%d-%d", sn.Backend, sn.Lang, i, j), sn.Lang, code})
		}
	}
	return out
}

func TestEveryBackendHasEveryMainLanguage(t *testing.T) {
	c, err := data()
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range Backends {
		for _, l := range MainLangs {
			if len(c.snippets(b, l)) == 0 {
				t.Errorf("no %s snippet for %s", b, l)
			}
		}
		if _, ok := c.Backends[b]; !ok || c.Backends[b].Store == "" || c.Backends[b].Intro == "" {
			t.Errorf("backend %s has no intro or store command", b)
		}
		if b != "env" && (c.Backends[b].Read == "" || c.Backends[b].Update == "") {
			t.Errorf("backend %s has no read or update command", b)
		}
	}
	for _, l := range ConfigLangs {
		if len(c.snippets("env", l)) == 0 {
			t.Errorf("no env idiom for %s", l)
		}
	}
	for _, sn := range c.Snippets {
		if _, ok := ParseVault(sn.Backend, false); !ok || titles[sn.Lang] == "" {
			t.Errorf("snippet with unknown backend %q or language %q", sn.Backend, sn.Lang)
		}
	}
}

// write puts each snippet of lang l into dir with extension ext.
func write(t *testing.T, all []rendered, l Lang, dir, ext string) []string {
	t.Helper()
	var files []string
	for _, r := range all {
		if r.lang != l {
			continue
		}
		f := filepath.Join(dir, r.name+ext)
		if err := os.WriteFile(f, []byte(r.code), 0o644); err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	if len(files) == 0 {
		t.Fatalf("no %s snippets", l)
	}
	return files
}

func need(t *testing.T, tool string) string {
	t.Helper()
	p, err := exec.LookPath(tool)
	if err != nil {
		t.Skipf("%s is not installed: cannot check these snippets here", tool)
	}
	return p
}

func run(t *testing.T, dir string, stdin []byte, name string, args ...string) {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	if stdin != nil {
		cmd.Stdin = bytes.NewReader(stdin)
	}
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Errorf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
}

func TestSnippetsGo(t *testing.T) {
	all := renderAll(t)
	dir := t.TempDir()
	var envFiles []string
	for _, f := range write(t, all, Go, dir, ".go") {
		src, _ := os.ReadFile(f)
		if _, err := parser.ParseFile(token.NewFileSet(), f, src, parser.ParseComments); err != nil {
			t.Errorf("%s does not parse: %v\n%s", filepath.Base(f), err, src)
			continue
		}
		if got, err := format.Source(src); err != nil || !bytes.Equal(got, src) {
			t.Errorf("%s is not gofmt-formatted:\n%s", filepath.Base(f), got)
		}
		if strings.HasPrefix(filepath.Base(f), "env-") {
			envFiles = append(envFiles, f)
		}
	}
	// The environment snippets need only the standard library: type-check
	// and vet them for real, one package per sample.
	for i, f := range envFiles {
		pkg := filepath.Join(dir, fmt.Sprintf("m%d", i))
		os.MkdirAll(pkg, 0o755)
		os.WriteFile(filepath.Join(pkg, "go.mod"), []byte("module example.com/m\n\ngo 1.22\n"), 0o644)
		src, _ := os.ReadFile(f)
		os.WriteFile(filepath.Join(pkg, "s.go"), src, 0o644)
	}
	for i := range envFiles {
		run(t, filepath.Join(dir, fmt.Sprintf("m%d", i)), nil, "go", "vet", ".")
	}
}

func TestSnippetsPython(t *testing.T) {
	py := need(t, "python3")
	all := renderAll(t)
	dir := t.TempDir()
	files := write(t, all, Python, dir, ".py")
	run(t, dir, nil, py, append([]string{"-c",
		"import py_compile,sys\nfor f in sys.argv[1:]: py_compile.compile(f, doraise=True)"}, files...)...)
}

func TestSnippetsJavaScript(t *testing.T) {
	node := need(t, "node")
	all := renderAll(t)
	dir := t.TempDir()
	for _, f := range write(t, all, JavaScript, dir, ".cjs") {
		run(t, dir, nil, node, "--check", f)
	}
	// TypeScript snippets are written to be valid ES modules as well, so
	// node checks them without a TypeScript compiler.
	for _, f := range write(t, all, TypeScript, dir, ".mjs") {
		run(t, dir, nil, node, "--check", f)
	}
}

// TypeScript snippets must also type-check in a strict project (where
// process.env values are string | undefined).
func TestSnippetsTypeScriptStrict(t *testing.T) {
	checkWithNode(t, "ts-check.mjs", TypeScript, ".mts")
}

// checkWithNode runs one of testdata's Node checkers over every rendered
// snippet of lang. The checkers need npm packages (listed in each script)
// installed in the directory LEAKHOOK_NODE_TOOLS names; .ci/run does that.
func checkWithNode(t *testing.T, script string, lang Lang, ext string) {
	node := need(t, "node")
	if os.Getenv("LEAKHOOK_NODE_TOOLS") == "" {
		t.Skipf("LEAKHOOK_NODE_TOOLS is not set: cannot check %s snippets here (see .ci/run)", lang)
	}
	checker, err := filepath.Abs(filepath.Join("testdata", script))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	files := write(t, renderAll(t), lang, dir, ext)
	run(t, dir, nil, node, append([]string{checker}, files...)...)
}

func TestSnippetsShell(t *testing.T) {
	all := renderAll(t)
	dir := t.TempDir()
	for _, f := range write(t, all, Shell, dir, ".sh") {
		run(t, dir, nil, "sh", "-n", f)
	}
	// The store, update and read commands are shell too (bash: read -s).
	bash := need(t, "bash")
	c, _ := data()
	for _, smp := range samples {
		r := newRef(smp.s, smp.o)
		for name, b := range c.Backends {
			for _, cmd := range []string{b.Store, b.Update, b.Read} {
				if cmd == "" {
					continue
				}
				f := filepath.Join(dir, name+".bash")
				os.WriteFile(f, []byte(r.render(cmd)), 0o644)
				run(t, dir, nil, bash, "-n", f)
			}
		}
	}
}

// javaParser parses Java sources without resolving imports, so snippets that
// use SDKs not present here are still checked for syntax.
const javaParser = `import com.sun.source.util.JavacTask;
import javax.tools.*;

public class ParseCheck {
    public static void main(String[] args) throws Exception {
        JavaCompiler c = ToolProvider.getSystemJavaCompiler();
        DiagnosticCollector<JavaFileObject> d = new DiagnosticCollector<>();
        StandardJavaFileManager fm = c.getStandardFileManager(d, null, null);
        JavacTask task = (JavacTask) c.getTask(null, fm, d, null, null, fm.getJavaFileObjects(args));
        task.parse();
        boolean bad = false;
        for (Diagnostic<? extends JavaFileObject> x : d.getDiagnostics()) {
            if (x.getKind() == Diagnostic.Kind.ERROR) {
                System.err.println(x);
                bad = true;
            }
        }
        System.exit(bad ? 1 : 0);
    }
}
`

func TestSnippetsJava(t *testing.T) {
	javac := need(t, "javac")
	java := need(t, "java")
	all := renderAll(t)
	dir := t.TempDir()
	files := write(t, all, Java, dir, ".java")
	checker := filepath.Join(t.TempDir(), "ParseCheck.java")
	os.WriteFile(checker, []byte(javaParser), 0o644)
	run(t, dir, nil, java, append([]string{checker}, files...)...)
	// Environment snippets use only the JDK: compile them.
	var env []string
	for _, f := range files {
		if strings.HasPrefix(filepath.Base(f), "env-") {
			env = append(env, f)
		}
	}
	for _, f := range env { // one at a time: samples share class names only across files
		run(t, dir, nil, javac, "-d", t.TempDir(), f)
	}
}

func TestSnippetsYAML(t *testing.T) {
	py := need(t, "python3")
	if exec.Command(py, "-c", "import yaml").Run() != nil {
		t.Skip("PyYAML is not installed: cannot check YAML snippets")
	}
	all := renderAll(t)
	dir := t.TempDir()
	files := write(t, all, YAML, dir, ".yaml")
	// compose parses without constructing, so custom tags (summon's !var) pass.
	run(t, dir, nil, py, append([]string{"-c",
		"import yaml,sys\nfor f in sys.argv[1:]: list(yaml.compose_all(open(f)))"}, files...)...)
}

func TestSnippetsTerraform(t *testing.T) {
	tf := need(t, "terraform")
	all := renderAll(t)
	dir := t.TempDir()
	for _, f := range write(t, all, Terraform, dir, ".tf") {
		src, _ := os.ReadFile(f)
		run(t, dir, src, tf, "fmt", "-check", "-")
	}
}

func TestSnippetsDockerfileAndDotenv(t *testing.T) {
	all := renderAll(t)
	instr := regexp.MustCompile(`^(FROM|RUN|CMD|COPY|ENV|ARG|WORKDIR|USER|ENTRYPOINT) `)
	assign := regexp.MustCompile(`^[A-Z_][A-Z0-9_]*=`)
	for _, r := range all {
		var re *regexp.Regexp
		switch r.lang {
		case Dockerfile:
			re = instr
		case Dotenv:
			re = assign
		default:
			continue
		}
		for _, ln := range strings.Split(r.code, "\n") {
			if ln != "" && !strings.HasPrefix(ln, "#") && !re.MatchString(ln) {
				t.Errorf("%s: bad line %q", r.name, ln)
			}
		}
	}
}

// The remaining languages are checked when their toolchain is installed.
func TestSnippetsRuby(t *testing.T) {
	ruby := need(t, "ruby")
	all := renderAll(t)
	dir := t.TempDir()
	for _, f := range write(t, all, Ruby, dir, ".rb") {
		run(t, dir, nil, ruby, "-c", f)
	}
}

func TestSnippetsPHP(t *testing.T) {
	php := need(t, "php")
	all := renderAll(t)
	dir := t.TempDir()
	for _, f := range write(t, all, PHP, dir, ".php") {
		run(t, dir, nil, php, "-l", f)
	}
}

// C# is parsed with tree-sitter's C# grammar: compiling needs the .NET SDK
// and the NuGet packages (AWSSDK, VaultSharp), which CI cannot fetch.
func TestSnippetsCSharp(t *testing.T) {
	checkWithNode(t, "csharp-syntax.mjs", CSharp, ".cs")
}
