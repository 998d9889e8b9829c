package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"

	"go.yaml.in/yaml/v3"
)

// This file turns YAML into the raw structs of raw.go. It walks the
// yaml.Node tree itself, guided by the raw structs' `yaml` tags, so that every
// problem can name its key path and line, and so that it can report all of
// them: unknown keys (with a suggestion), duplicate keys, and values of the
// wrong shape. Whether a value makes sense (ranges, durations, URLs…) is
// checked later, in validate.go.

// pos records where a raw value came from. Every raw type embeds it.
type pos struct {
	Key  string // full key path, e.g. "networks[0].server.port"
	Line int    // line of the value; of the enclosing mapping when the key is absent
	Set  bool   // the key was given with a non-empty value
	Null bool   // the key was given with no value (or only a comment after it)
	// Reported: a problem about this key was reported already (a wrong type,
	// a misspelling of it), so validation should not add "missing".
	Reported bool
}

func (p *pos) position() *pos { return p }

type positioner interface{ position() *pos }

// Raw leaf types.
type (
	str struct {
		pos
		V string
	}
	num struct {
		pos
		V int64
	}
	boolean struct {
		pos
		V bool
	}
	// list is a YAML sequence of T (a leaf or a raw struct).
	list[T any] struct {
		pos
		V []T
	}
)

var (
	strType  = reflect.TypeFor[str]()
	numType  = reflect.TypeFor[num]()
	boolType = reflect.TypeFor[boolean]()
	posType  = reflect.TypeFor[pos]()
)

// nodeBudget bounds the work spent on one file: YAML aliases can make a
// small file describe an enormous tree ("billion laughs").
const nodeBudget = 100_000

type decoder struct {
	probs  *problems
	budget int
	broke  bool
}

var yamlLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// decodeFile parses data into root (a pointer to a raw struct), recording
// every problem in probs.
// It reports whether the file was valid YAML at all: if not, there is no point
// in validating what was decoded.
func decodeFile(data []byte, root positioner, probs *problems) bool {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	err := dec.Decode(&doc)
	d := &decoder{probs: probs, budget: nodeBudget}
	v := reflect.ValueOf(root).Elem()
	switch {
	case errors.Is(err, io.EOF):
		probs.add(0, "", "the file is empty; start from the documented sample bot.yaml")
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
			probs.add(tab, "", "not valid YAML: the line is indented with a tab: YAML indentation must use spaces (%s)", msg)
			return false
		}
		probs.add(line, "", "not valid YAML: %s", msg)
		return false
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err == nil {
		probs.add(extra.Line, "", "a second YAML document (after ---); put everything in one document")
	}
	n := &doc
	if n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		n = n.Content[0]
	}
	d.value(n, "", 0, v, "", "")
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

// value decodes node n into v, a raw leaf or raw struct, at key path key.
// keyLine is the line of the key (0 for list elements and the root); problems
// with the value are reported there, since a block value starts on the next
// line. want and elem, from a field's `want` and `elem` tags, describe the expected
// value (and, for lists, each element) in type errors.
func (d *decoder) value(n *yaml.Node, key string, keyLine int, v reflect.Value, want, elem string) {
	n = d.resolve(n)
	line := keyLine
	if line == 0 {
		line = n.Line
	}
	if !d.spend(line) {
		return
	}
	p := v.Addr().Interface().(positioner).position()
	p.Key, p.Line = key, line
	if isNull(n) {
		if v.Type() != strType && v.Type() != numType && v.Type() != boolType && !isList(v.Type()) {
			d.absent(v, key, line, false)
		}
		p.Null = true
		return
	}
	switch v.Type() {
	case strType:
		if n.Kind != yaml.ScalarNode {
			d.probs.add(line, key, "want %s, got %s", or(want, "a string"), describe(n))
			p.Reported = true
			return
		}
		p.Set = true
		v.FieldByName("V").SetString(n.Value)
	case numType:
		var i int64
		if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!int" || n.Decode(&i) != nil {
			d.probs.add(line, key, "want %s, got %s", or(want, "a whole number"), describe(n))
			p.Reported = true
			return
		}
		p.Set = true
		v.FieldByName("V").SetInt(i)
	case boolType:
		var b bool
		if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!bool" || n.Decode(&b) != nil {
			d.probs.add(line, key, "want %s, got %s", or(want, "true or false"), describe(n))
			p.Reported = true
			return
		}
		p.Set = true
		v.FieldByName("V").SetBool(b)
	default:
		if isList(v.Type()) {
			d.list(n, key, v, want, elem)
			return
		}
		d.mapping(n, key, v, want)
	}
}

func or(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func isList(t reflect.Type) bool {
	f, ok := t.FieldByName("V")
	return ok && f.Type.Kind() == reflect.Slice
}

func (d *decoder) list(n *yaml.Node, key string, v reflect.Value, want, elem string) {
	p := v.Addr().Interface().(positioner).position()
	if n.Kind != yaml.SequenceNode {
		d.probs.add(p.Line, key, "want %s, got %s", or(want, "a list"), describe(n))
		p.Reported = true
		return
	}
	p.Set = true
	s := v.FieldByName("V")
	s.Set(reflect.MakeSlice(s.Type(), len(n.Content), len(n.Content)))
	for i, c := range n.Content {
		d.value(c, fmt.Sprintf("%s[%d]", key, i), 0, s.Index(i), elem, "")
	}
}

// field describes one key of a raw struct.
type field struct {
	name  string
	index int
	want  string
	elem  string
}

var fieldCache sync.Map // reflect.Type → []field

func fieldsOf(t reflect.Type) []field {
	if fs, ok := fieldCache.Load(t); ok {
		return fs.([]field)
	}
	var fs []field
	for i := range t.NumField() {
		sf := t.Field(i)
		name := sf.Tag.Get("yaml")
		if sf.Anonymous || name == "" || name == "-" {
			continue
		}
		fs = append(fs, field{name: name, index: i, want: sf.Tag.Get("want"), elem: sf.Tag.Get("elem")})
	}
	fieldCache.Store(t, fs)
	return fs
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

// mapping decodes a YAML mapping into the raw struct v.
func (d *decoder) mapping(n *yaml.Node, key string, v reflect.Value, want string) {
	p := v.Addr().Interface().(positioner).position()
	fs := fieldsOf(v.Type())
	if n.Kind != yaml.MappingNode {
		line := p.Line
		d.probs.add(line, key, "want %s, got %s", or(want, "a mapping (key: value lines)"), describe(n))
		d.absent(v, key, line, true)
		return
	}
	p.Set = true
	seen := make(map[string]int, len(fs)) // field name → line where given
	for _, pr := range d.pairs(n, key, 0) {
		k := d.resolve(pr.key)
		if k.Kind != yaml.ScalarNode {
			d.probs.add(k.Line, key, "a key must be a plain word, got %s", describe(k))
			continue
		}
		name := k.Value
		var f *field
		for i := range fs {
			if fs[i].name == name {
				f = &fs[i]
				break
			}
		}
		if f == nil {
			msg, typoOf := unknownKey(name, v.Type())
			d.probs.add(k.Line, join(key, name), "%s", msg)
			for _, f := range fs {
				if f.name == typoOf {
					v.Field(f.index).Addr().Interface().(positioner).position().Reported = true
				}
			}
			continue
		}
		if first, dup := seen[name]; dup {
			if !pr.merged {
				d.probs.add(k.Line, join(key, name), "given twice (first on line %d); keep one", first)
			}
			continue
		}
		seen[name] = k.Line
		d.value(pr.value, join(key, name), k.Line, v.Field(f.index), f.want, f.elem)
	}
	for _, f := range fs {
		if _, ok := seen[f.name]; !ok {
			d.absent(v.Field(f.index), join(key, f.name), p.Line, false)
		}
	}
}

// absent fills in positions for a value whose key was not given, so that
// "missing" problems can name the key and the line of its parent. reported
// marks them all as already reported.
func (d *decoder) absent(v reflect.Value, key string, line int, reported bool) {
	p := v.Addr().Interface().(positioner).position()
	p.Key, p.Line = key, line
	p.Reported = p.Reported || reported
	t := v.Type()
	if t == strType || t == numType || t == boolType || isList(t) {
		return
	}
	for _, f := range fieldsOf(t) {
		d.absent(v.Field(f.index), join(key, f.name), line, reported)
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
	has := func(s string) bool {
		for _, n := range names {
			if n == s {
				return true
			}
		}
		return false
	}
	lower := strings.ToLower(name)
	if secretWords[lower] {
		return "secrets may not be written in the config file; use password_env: NAME (an environment variable) or password_file: PATH (a file holding only the secret)", "password_env"
	}
	if lower == "key" && has("key_env") {
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

// keyHomes maps every key name of the raw schema to the sections it is
// valid in, to say where a key belongs when it is written in the wrong place.
var keyHomes = sync.OnceValue(func() map[string][]string {
	homes := map[string][]string{}
	var walk func(t reflect.Type, path string, depth int)
	walk = func(t reflect.Type, path string, depth int) {
		if depth > 6 {
			return
		}
		for _, f := range fieldsOf(t) {
			sf := t.Field(f.index)
			here := path
			if here == "" {
				here = "the top level"
			} else {
				here = path + ":"
			}
			if !slicesContains(homes[f.name], here) {
				homes[f.name] = append(homes[f.name], here)
			}
			ft := sf.Type
			sub := join(path, f.name)
			if isList(ft) {
				ft = ft.Field(ft.NumField() - 1).Type.Elem() // V []T
				sub += "[]"
			}
			if ft.Kind() == reflect.Struct && ft != strType && ft != numType && ft != boolType {
				walk(ft, sub, depth+1)
			}
		}
	}
	walk(reflect.TypeFor[rawConfig](), "", 0)
	return homes
})

func slicesContains(s []string, x string) bool {
	for _, y := range s {
		if y == x {
			return true
		}
	}
	return false
}

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
