package config

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"

	"go.yaml.in/yaml/v3"

	"proceedings/internal/connstring"
)

// This file reads YAML into the types of config.go. It walks the yaml.Node
// tree itself, guided by the fields' tags, so that every problem names its
// key path and line, and so that all of them are reported: unknown keys
// (with a suggestion), duplicate keys, values of the wrong shape or out of
// range. It records where each value came from, for the checks of
// validate.go that involve more than one value.
//
// The tags of a field:
//
//	yaml:"KEY"        its key. Options after a comma: path (a relative path
//	                  is made absolute against the file's directory), url
//	                  (with path: a URL with a scheme is kept as given), inline
//	                  (an embedded struct whose keys are this mapping's),
//	                  secret (a *SecretRef read from KEY_env or KEY_file).
//	want:"…"          the value expected, for "want …, got …"
//	elem:"…"          the same for each element of a list
//	min:"…" max:"…"   bounds of a number, or the least duration
//
// Values of the types in scalars (durations, rates, URLs…) are written as
// one string each.

// pos records where a decoded value came from.
type pos struct {
	Key  string // full key path, e.g. "networks[0].server.port"
	Line int    // line of the value; of the enclosing mapping when the key is absent
	Set  bool   // the key was given with a value
	Null bool   // the key was given with no value (or only a comment after it)
	// Reported: a problem about this key was reported already (a wrong type,
	// a misspelling of it), so validation should not add "missing".
	Reported bool
}

// document is bot.yaml as written: the keys of Config and, at the top level,
// those of the one Network of the single-network form, named by "network".
type document struct {
	Network `yaml:",inline"`
	Name    string `yaml:"network" want:"a network name"`
	Config  `yaml:",inline"`
}

// nodeBudget bounds the work spent on one file: YAML aliases can make a
// small file describe an enormous tree ("billion laughs").
const nodeBudget = 100_000

type decoder struct {
	probs  *problems
	dir    string       // directory of the file: the base of relative paths
	at     map[any]*pos // the address of every decoded value → where it came from
	budget int
	broke  bool
}

func newDecoder(probs *problems, dir string) *decoder {
	return &decoder{probs: probs, dir: dir, at: map[any]*pos{}, budget: nodeBudget}
}

// pos returns where the value at ptr came from.
func (d *decoder) pos(ptr any) *pos {
	p, ok := d.at[ptr]
	if !ok {
		p = &pos{}
		d.at[ptr] = p
	}
	return p
}

var yamlLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// file parses data into doc, recording every problem. It reports whether
// the file was valid YAML at all: if not, there is no point in validating
// what was decoded.
func (d *decoder) file(data []byte, doc *document) bool {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var root yaml.Node
	err := dec.Decode(&root)
	v := reflect.ValueOf(doc).Elem()
	switch {
	case errors.Is(err, io.EOF):
		d.probs.add(0, "", "the file is empty; start from the documented sample bot.yaml")
		d.absent(v, "", 1, true)
		return true
	case err != nil:
		msg := strings.TrimPrefix(err.Error(), "yaml: ")
		line := 0
		if m := yamlLine.FindStringSubmatch(err.Error()); m != nil {
			line, _ = strconv.Atoi(m[1])
			msg = m[2]
		}
		if tab := tabIndented(data); tab > 0 {
			d.probs.add(tab, "", "not valid YAML: the line is indented with a tab: YAML indentation must use spaces (%s)", msg)
			return false
		}
		d.probs.add(line, "", "not valid YAML: %s", msg)
		return false
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err == nil {
		d.probs.add(extra.Line, "", "a second YAML document (after ---); put everything in one document")
	}
	n := &root
	if n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		n = n.Content[0]
	}
	d.value(n, "", 0, v, &field{})
	return true
}

// tabIndented returns the number of the first line whose indentation holds
// a tab, 0 when none does.
func tabIndented(data []byte) int {
	for i, line := range bytes.Split(data, []byte("\n")) {
		indent := line[:len(line)-len(bytes.TrimLeft(line, " \t"))]
		if bytes.IndexByte(indent, '\t') >= 0 && len(bytes.TrimSpace(line)) > 0 {
			return i + 1
		}
	}
	return 0
}

// spend charges one node against the budget and says whether to go on.
func (d *decoder) spend(line int) bool {
	if d.broke {
		return false
	}
	d.budget--
	if d.budget < 0 {
		d.broke = true
		d.probs.fatal(line, "", "the file expands to more than %d values (through aliases?); simplify it", nodeBudget)
		return false
	}
	return true
}

// resolve follows aliases.
func (d *decoder) resolve(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode && i < 100; i++ {
		n = n.Alias
	}
	return n
}

func isNull(n *yaml.Node) bool {
	return n == nil || n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null"
}

// describe says what a node is, for "want X, got Y" messages.
func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping (key: value lines)"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		if n.ShortTag() == "!!str" {
			return strconv.Quote(n.Value)
		}
		return n.Value
	}
	return "something else"
}

// decodable reports whether the file can give a value of type t: the types
// of value, and lists of them.
func decodable(t reflect.Type) bool {
	if _, ok := scalars[t]; ok {
		return true
	}
	switch t.Kind() {
	case reflect.String, reflect.Bool, reflect.Int, reflect.Struct:
		return true
	case reflect.Slice:
		return decodable(t.Elem())
	case reflect.Pointer:
		return t.Elem().Kind() == reflect.Struct
	}
	return false
}

// isMapping reports whether values of type t are written as a mapping.
func isMapping(t reflect.Type) bool {
	if _, ok := scalars[t]; ok {
		return false
	}
	return t.Kind() == reflect.Struct || t.Kind() == reflect.Pointer && t.Elem().Kind() == reflect.Struct
}

// value decodes node n into v at key path key, as field f describes.
// keyLine is the line of the key (0 for list elements and the root);
// problems with the value are reported there, since a block value starts
// on the next line.
func (d *decoder) value(n *yaml.Node, key string, keyLine int, v reflect.Value, f *field) {
	n = d.resolve(n)
	line := keyLine
	if line == 0 {
		line = n.Line
	}
	if !d.spend(line) {
		return
	}
	p := d.pos(v.Addr().Interface())
	p.Key, p.Line = key, line
	if isNull(n) {
		if v.Kind() == reflect.Struct && isMapping(v.Type()) {
			d.absent(v, key, line, false)
		}
		p.Null = true
		return
	}
	if parse, ok := scalars[v.Type()]; ok {
		if d.scalar(n, p, f, "a string") {
			if x, ok := parse(d, n.Value, p, f); ok {
				v.Set(reflect.ValueOf(x))
			} else {
				p.Reported = true
			}
		}
		return
	}
	switch v.Kind() {
	case reflect.String:
		if d.scalar(n, p, f, "a string") {
			s := n.Value
			// A url field's address (a URL, or a connection string the
			// validator refuses without repeating it) is no path.
			if f.path && s != "" && !(f.url && (hasScheme(s) || connstring.IsKeywordValue(s))) {
				s = d.path(s)
			}
			v.SetString(s)
		}
	case reflect.Bool:
		var b bool
		if d.scalarOf(n, p, f, "!!bool", "true or false", &b) {
			v.SetBool(b)
		}
	case reflect.Int:
		var i int64
		if d.scalarOf(n, p, f, "!!int", "a whole number", &i) && d.inRange(i, p, f) {
			v.SetInt(i)
		}
	case reflect.Slice:
		d.list(n, key, v, f)
	case reflect.Pointer:
		if n.Kind == yaml.MappingNode {
			p.Set = true
			v.Set(reflect.New(v.Type().Elem()))
			v = v.Elem()
		}
		d.mapping(n, key, line, v, f)
	case reflect.Struct:
		d.mapping(n, key, line, v, f)
	}
}

// scalar reports whether n is a scalar, and a problem at p when it is not.
func (d *decoder) scalar(n *yaml.Node, p *pos, f *field, want string) bool {
	if n.Kind != yaml.ScalarNode {
		d.probs.at(p, "want %s, got %s", or(f.want, want), describe(n))
		p.Reported = true
		return false
	}
	p.Set = true
	return true
}

// scalarOf decodes n, a scalar with the YAML tag tag, into out.
func (d *decoder) scalarOf(n *yaml.Node, p *pos, f *field, tag, want string, out any) bool {
	if n.Kind != yaml.ScalarNode || n.ShortTag() != tag || n.Decode(out) != nil {
		d.probs.at(p, "want %s, got %s", or(f.want, want), describe(n))
		p.Reported = true
		return false
	}
	p.Set = true
	return true
}

// inRange checks a number against the field's min and max.
func (d *decoder) inRange(i int64, p *pos, f *field) bool {
	low, high, ok := f.bounds()
	if ok && (i < low || i > high) {
		d.probs.at(p, "want %s, got %d", or(f.want, "a whole number"), i)
		p.Reported = true
		return false
	}
	return true
}

// path makes a path from the file absolute, relative to the file's directory.
func (d *decoder) path(p string) string {
	if strings.HasPrefix(p, "~/") {
		if home, err := os.UserHomeDir(); err == nil {
			p = filepath.Join(home, p[2:])
		}
	}
	if filepath.IsAbs(p) {
		return filepath.Clean(p)
	}
	return filepath.Join(d.dir, p)
}

func or(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func (d *decoder) list(n *yaml.Node, key string, v reflect.Value, f *field) {
	p := d.pos(v.Addr().Interface())
	if n.Kind != yaml.SequenceNode {
		d.probs.at(p, "want %s, got %s", or(f.want, "a list"), describe(n))
		p.Reported = true
		return
	}
	p.Set = true
	v.Set(reflect.MakeSlice(v.Type(), len(n.Content), len(n.Content)))
	elem := &field{want: f.elem}
	for i, c := range n.Content {
		d.value(c, fmt.Sprintf("%s[%d]", key, i), 0, v.Index(i), elem)
	}
}

// field describes one key of a mapping.
type field struct {
	name  string
	index []int // of the struct field, through inline embedded structs
	// secret ≥ 0: the key is KEY_env or KEY_file of the *SecretRef at index,
	// and secret is the index of the SecretRef field it sets.
	secret     int
	want, elem string
	path       bool
	url        bool // with path: a scheme://… value is a URL, kept as given
	min, max   string
}

// target returns the value the key is decoded into, in the struct v. A
// secret's *SecretRef is allocated when alloc is set; without it, the
// secret's pointer itself is returned.
func (f *field) target(v reflect.Value, alloc bool) reflect.Value {
	fv := v.FieldByIndex(f.index)
	if f.secret < 0 || !alloc {
		return fv
	}
	if fv.IsNil() {
		fv.Set(reflect.New(fv.Type().Elem()))
	}
	return fv.Elem().Field(f.secret)
}

// bounds returns the field's min and max as numbers; ok is false when it
// has neither.
func (f *field) bounds() (low, high int64, ok bool) {
	if f.min == "" && f.max == "" {
		return 0, 0, false
	}
	low, high = -1<<63, 1<<63-1
	if f.min != "" {
		low, _ = strconv.ParseInt(f.min, 10, 64)
	}
	if f.max != "" {
		high, _ = strconv.ParseInt(f.max, 10, 64)
	}
	return low, high, true
}

var (
	fieldCache    sync.Map // reflect.Type → []field
	secretRefType = reflect.TypeFor[SecretRef]()
)

// fieldsOf lists the keys of a mapping decoded into the struct type t.
func fieldsOf(t reflect.Type) []field {
	if fs, ok := fieldCache.Load(t); ok {
		return fs.([]field)
	}
	var fs []field
	for _, sf := range reflect.VisibleFields(t) {
		name, opts, _ := strings.Cut(sf.Tag.Get("yaml"), ",")
		if !throughInline(t, sf.Index) || name == "" || name == "-" {
			continue
		}
		f := field{name: name, index: sf.Index, secret: -1, want: sf.Tag.Get("want"), elem: sf.Tag.Get("elem"),
			path: hasOption(opts, "path"), url: hasOption(opts, "url"), min: sf.Tag.Get("min"), max: sf.Tag.Get("max")}
		if !decodable(sf.Type) {
			panic(fmt.Sprintf("config: %s.%s: the file cannot give a %s", t, sf.Name, sf.Type))
		}
		checkBounds(t, sf, f)
		if !hasOption(opts, "secret") {
			fs = append(fs, f)
			continue
		}
		if sf.Type != reflect.PointerTo(secretRefType) {
			panic(fmt.Sprintf("config: %s.%s has the option secret but is not a *SecretRef", t, sf.Name))
		}
		// KEY_env and KEY_file, as SecretRef names password_env and password_file.
		for _, sub := range fieldsOf(secretRefType) {
			sub.name = name + strings.TrimPrefix(sub.name, "password")
			sub.index, sub.secret = sf.Index, sub.index[0]
			fs = append(fs, sub)
		}
	}
	fieldCache.Store(t, fs)
	return fs
}

// throughInline reports whether the field at index in t is reached only
// through embedded structs tagged inline: the fields of an embedded struct
// with a key of its own belong to that key's mapping.
func throughInline(t reflect.Type, index []int) bool {
	for i := 1; i < len(index); i++ {
		_, opts, _ := strings.Cut(t.FieldByIndex(index[:i]).Tag.Get("yaml"), ",")
		if !hasOption(opts, "inline") {
			return false
		}
	}
	return true
}

// hasScheme reports a value that starts like a URL ("postgres://…").
func hasScheme(s string) bool {
	scheme, _, ok := strings.Cut(s, "://")
	return ok && scheme != "" && !strings.ContainsFunc(scheme, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '+' || r == '-' || r == '.')
	})
}

func hasOption(opts, opt string) bool {
	for o := range strings.SplitSeq(opts, ",") {
		if o == opt {
			return true
		}
	}
	return false
}

// checkBounds panics on min and max tags that cannot bound the field: a
// number takes either or both, a duration min only.
func checkBounds(t reflect.Type, sf reflect.StructField, f field) {
	var err error
	switch {
	case sf.Type == durationType:
		_, err = parseDurationBound(f.min)
		if f.max != "" {
			err = errors.New("a duration has no max")
		}
	case f.min == "" && f.max == "":
	case sf.Type.Kind() != reflect.Int:
		err = errors.New("only numbers and durations have bounds")
	default:
		for _, b := range []string{f.min, f.max} {
			if _, perr := strconv.ParseInt(cmp.Or(b, "0"), 10, 64); perr != nil {
				err = perr
			}
		}
	}
	if err != nil {
		panic(fmt.Sprintf("config: %s.%s: bad min or max: %v", t, sf.Name, err))
	}
}

func join(parent, key string) string {
	if parent == "" {
		return key
	}
	return parent + "." + key
}

// pair is one key: value of a mapping, after merge keys are applied.
type pair struct {
	key, value *yaml.Node
	merged     bool
}

// pairs lists the entries of mapping n, applying YAML merge keys (<<):
// explicit keys win over merged ones, earlier merged mappings over later.
func (d *decoder) pairs(n *yaml.Node, key string, depth int) []pair {
	var out, merged []pair
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, val := n.Content[i], n.Content[i+1]
		if k.Kind == yaml.ScalarNode && k.ShortTag() == "!!merge" {
			if depth > 10 {
				d.probs.add(k.Line, key, "merge keys (<<) nested too deeply")
				continue
			}
			val = d.resolve(val)
			srcs := []*yaml.Node{val}
			if val.Kind == yaml.SequenceNode {
				srcs = val.Content
			}
			for _, s := range srcs {
				s = d.resolve(s)
				if !d.spend(k.Line) {
					return out
				}
				if s.Kind != yaml.MappingNode {
					d.probs.add(k.Line, key, "<< must merge a mapping (or a list of mappings), got %s", describe(s))
					continue
				}
				for _, mp := range d.pairs(s, key, depth+1) {
					mp.merged = true
					merged = append(merged, mp)
				}
			}
			continue
		}
		out = append(out, pair{key: k, value: val})
	}
	have := make(map[string]bool, len(out))
	for _, p := range out {
		have[p.key.Value] = true
	}
	for _, mp := range merged {
		if !have[mp.key.Value] {
			have[mp.key.Value] = true
			out = append(out, mp)
		}
	}
	return out
}

// mapping decodes a YAML mapping into v: a struct, or a nil pointer to one
// when n is not a mapping.
func (d *decoder) mapping(n *yaml.Node, key string, line int, v reflect.Value, f *field) {
	if n.Kind != yaml.MappingNode {
		d.probs.add(line, key, "want %s, got %s", or(f.want, "a mapping (key: value lines)"), describe(n))
		d.absent(v, key, line, true)
		return
	}
	p := d.pos(v.Addr().Interface())
	p.Key, p.Line, p.Set = key, line, true
	fs := fieldsOf(v.Type())
	seen := make(map[string]int, len(fs)) // key → line where given
	for _, pr := range d.pairs(n, key, 0) {
		k := d.resolve(pr.key)
		if k.Kind != yaml.ScalarNode {
			d.probs.add(k.Line, key, "a key must be a plain word, got %s", describe(k))
			continue
		}
		name := k.Value
		i := slices.IndexFunc(fs, func(f field) bool { return f.name == name })
		if i < 0 {
			d.unknown(k, key, v, fs)
			continue
		}
		if first, dup := seen[name]; dup {
			if !pr.merged {
				d.probs.add(k.Line, join(key, name), "given twice (first on line %d); keep one", first)
			}
			continue
		}
		seen[name] = k.Line
		d.value(pr.value, join(key, name), k.Line, fs[i].target(v, true), &fs[i])
	}
	for i := range fs {
		if _, ok := seen[fs[i].name]; !ok {
			d.absent(fs[i].target(v, false), join(key, fs[i].name), line, false)
		}
	}
}

// unknown reports the unknown key k of the mapping decoded into v, and marks
// the known key it is a misspelling of, if any, as reported.
func (d *decoder) unknown(k *yaml.Node, key string, v reflect.Value, fs []field) {
	msg, typoOf := unknownKey(k.Value, v.Type())
	d.probs.add(k.Line, join(key, k.Value), "%s", msg)
	for i := range fs {
		if fs[i].name == typoOf {
			d.pos(fs[i].target(v, false).Addr().Interface()).Reported = true
		}
	}
}

// absent records positions for a value whose key was not given, so that
// "missing" problems can name the key and the line of its parent. reported
// marks them all as already reported.
func (d *decoder) absent(v reflect.Value, key string, line int, reported bool) {
	p := d.pos(v.Addr().Interface())
	p.Key, p.Line = key, line
	p.Reported = p.Reported || reported
	if v.Kind() != reflect.Struct || !isMapping(v.Type()) {
		return
	}
	for _, f := range fieldsOf(v.Type()) {
		d.absent(f.target(v, false), join(key, f.name), line, reported)
	}
}

// secretWords are keys that would put a secret into the file.
var secretWords = map[string]bool{"password": true, "pass": true, "passwd": true, "secret": true, "token": true}

// unknownKey explains an unknown key in a mapping of type t. typoOf is the
// known key it is taken to be a misspelling of, if any.
func unknownKey(name string, t reflect.Type) (msg, typoOf string) {
	fs := fieldsOf(t)
	names := make([]string, len(fs))
	for i, f := range fs {
		names[i] = f.name
	}
	lower := strings.ToLower(name)
	if secretWords[lower] {
		return "secrets may not be written in the config file; use password_env: NAME (an environment variable) or password_file: PATH (a file holding only the secret)", "password_env"
	}
	if lower == "key" && slices.Contains(names, "key_env") {
		return "a channel key may not be written in the config file; use key_env: NAME (an environment variable) or key_file: PATH", "key_env"
	}
	if s := closest(name, names); s != "" {
		return fmt.Sprintf("unknown key (did you mean %q?)", s), s
	}
	if where := elsewhere(name); where != "" {
		return fmt.Sprintf("unknown key here (%s)", where), ""
	}
	sort.Strings(names)
	return fmt.Sprintf("unknown key; known keys here: %s", strings.Join(names, ", ")), ""
}

// closest returns the known key nearest to name by edit distance, or "" if
// none is near enough to be a plausible typo.
func closest(name string, known []string) string {
	best, bestD := "", 1<<30
	lower := strings.ToLower(name)
	for _, k := range known {
		dist := editDistance(lower, strings.ToLower(k))
		if dist < bestD {
			best, bestD = k, dist
		}
	}
	limit := 1 + len(name)/4
	if limit > 3 {
		limit = 3
	}
	if bestD <= limit {
		return best
	}
	return ""
}

// editDistance is the optimal string alignment distance: insertions,
// deletions, substitutions and transpositions of adjacent letters each cost 1.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	if len(ra) > 64 || len(rb) > 64 {
		if a == b {
			return 0
		}
		return 1 << 20
	}
	prev2 := make([]int, len(rb)+1)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(rb)]
}

// keyHomes maps every key of bot.yaml to the sections it is valid in, to
// say where a key belongs when it is written in the wrong place.
var keyHomes = sync.OnceValue(func() map[string][]string {
	homes := map[string][]string{}
	var walk func(t reflect.Type, path string)
	walk = func(t reflect.Type, path string) {
		here := "the top level"
		if path != "" {
			here = path + ":"
		}
		for _, f := range fieldsOf(t) {
			if !slices.Contains(homes[f.name], here) {
				homes[f.name] = append(homes[f.name], here)
			}
			if f.secret >= 0 {
				continue
			}
			ft, sub := t.FieldByIndex(f.index).Type, join(path, f.name)
			if ft.Kind() == reflect.Slice {
				ft, sub = ft.Elem(), sub+"[]"
			}
			if isMapping(ft) {
				if ft.Kind() == reflect.Pointer {
					ft = ft.Elem()
				}
				walk(ft, sub)
			}
		}
	}
	walk(reflect.TypeFor[document](), "")
	return homes
})

func elsewhere(name string) string {
	homes := keyHomes()[strings.ToLower(name)]
	if len(homes) == 0 {
		return ""
	}
	if len(homes) > 3 {
		homes = homes[:3]
	}
	return "it belongs under " + strings.Join(homes, " or ")
}
