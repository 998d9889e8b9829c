package postgres

import (
	"testing"

	"proceedings/archive/storetest"
)

// BenchmarkTSVector is the tsvector built for each event an import
// writes: the benchmark corpus's texts (ASCII), and lines in languages
// whose words are not ASCII.
func BenchmarkTSVector(b *testing.B) {
	var corpus []string
	for ev := range storetest.Corpus(10000) {
		if ev.Text != "" {
			corpus = append(corpus, ev.Text)
		}
	}
	for _, c := range []struct {
		name  string
		texts []string
	}{
		{"corpus", corpus},
		{"latin", []string{"Ça a été une journée très ensoleillée à Genève, n'est-ce pas? Die Straße in München ist größer."}},
		{"cyrillic", []string{"Съешь же ещё этих мягких французских булок, да выпей чаю. Ёжик в тумане"}},
		{"cjk", []string{"日本語のテキストを検索する、中文文本搜索。한국어 텍스트"}},
	} {
		b.Run(c.name, func(b *testing.B) {
			var sc tsScratch
			var dst []byte
			n := 0
			for b.Loop() {
				t := c.texts[n%len(c.texts)]
				dst = sc.appendTSVector(dst[:0], t, int64(n))
				n++
			}
		})
	}
}
