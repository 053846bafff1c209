package chart

import (
	"bytes"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"io"
	"math/rand/v2"
	"strings"
	"testing"
)

// TestEncodePNG: the standard decoder reads back every pixel of an opaque
// image, at sizes that fill one IDAT chunk, several, and a single pixel,
// and of an image that does not start at the origin.
func TestEncodePNG(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, r := range []image.Rectangle{image.Rect(0, 0, 1, 1), image.Rect(0, 0, 37, 5), image.Rect(0, 0, 1260, 787), image.Rect(3, 4, 50, 20), image.Rect(0, 0, 11000, 3)} {
		img := image.NewRGBA(r)
		for y := r.Min.Y; y < r.Max.Y; y++ {
			for x := r.Min.X; x < r.Max.X; x++ {
				if rng.IntN(4) == 0 { // mostly white, as a figure
					img.Set(x, y, color.RGBA{uint8(rng.IntN(256)), uint8(rng.IntN(256)), uint8(rng.IntN(256)), 255})
				} else {
					img.Set(x, y, color.White)
				}
			}
		}
		var buf bytes.Buffer
		if err := encodePNG(&buf, img); err != nil {
			t.Fatal(err)
		}
		got, err := png.Decode(&buf)
		if err != nil {
			t.Fatalf("%v: the standard decoder rejects the file: %v", r, err)
		}
		if got.Bounds().Dx() != r.Dx() || got.Bounds().Dy() != r.Dy() {
			t.Fatalf("%v: decoded as %v", r, got.Bounds())
		}
		bad := 0
		for y := 0; y < r.Dy(); y++ {
			for x := 0; x < r.Dx(); x++ {
				a := color.RGBAModel.Convert(got.At(got.Bounds().Min.X+x, got.Bounds().Min.Y+y))
				if a != img.At(r.Min.X+x, r.Min.Y+y) {
					bad++
				}
			}
		}
		if bad > 0 {
			t.Errorf("%v: %d pixels differ after a round trip", r, bad)
		}
	}
}

// TestWrapTitle: a line too long for the figure breaks between words, each
// piece within the limit; short lines and lines already broken stay.
func TestWrapTitle(t *testing.T) {
	long := "smart-containers-2020: Distribution of the price paid per unit of transport cost after 500 training episodes"
	got := wrapTitle(long+"\n4993 trades", 16*28.3465, 12) // 16 cm at 12 pt: 65 characters
	lines := strings.Split(got, "\n")
	if len(lines) != 3 || lines[2] != "4993 trades" || strings.Join(lines[:2], " ") != long {
		t.Fatalf("wrapped into %q", lines)
	}
	for _, l := range lines {
		if len(l) > 65 {
			t.Errorf("line %q is %d characters, more than 65", l, len(l))
		}
	}
	if again := wrapTitle(got, 16*28.3465, 12); again != got {
		t.Errorf("wrapping twice changed %q into %q", got, again)
	}
}

// BenchmarkEncodePNG encodes the figures of a small run, drawn once, as
// writePNG draws them, with encodePNG and with the standard encoder at its
// best speed; bytes/op is the size of the files.
func BenchmarkEncodePNG(b *testing.B) {
	dir := b.TempDir()
	writePlotRunDir(b, dir, 3, true)
	figs, err := RunFigures(dir, Options{Band: &Band{Low: 30, High: 34}})
	if err != nil {
		b.Fatal(err)
	}
	var imgs []*image.RGBA
	for _, f := range figs {
		var buf bytes.Buffer
		if err := f.WritePNG(&buf); err != nil {
			b.Fatal(err)
		}
		img, err := png.Decode(&buf)
		if err != nil {
			b.Fatal(err)
		}
		rgba := image.NewRGBA(img.Bounds())
		draw.Draw(rgba, rgba.Bounds(), img, img.Bounds().Min, draw.Src)
		imgs = append(imgs, rgba)
	}
	for _, enc := range []struct {
		name   string
		encode func(io.Writer, *image.RGBA) error
	}{
		{"chart", encodePNG},
		{"image-png-best-speed", func(w io.Writer, img *image.RGBA) error {
			return (&png.Encoder{CompressionLevel: png.BestSpeed}).Encode(w, img)
		}},
	} {
		b.Run(enc.name, func(b *testing.B) {
			size := 0
			for b.Loop() {
				size = 0
				for _, img := range imgs {
					var buf bytes.Buffer
					if err := enc.encode(&buf, img); err != nil {
						b.Fatal(err)
					}
					size += buf.Len()
				}
			}
			b.ReportMetric(float64(size), "bytes/op")
		})
	}
}

// FuzzEncodePNG: any image the fuzzer builds (a few colours in repeating
// patterns, so that long matches, runs and skewed codes all occur) reads
// back pixel for pixel through the standard decoder.
func FuzzEncodePNG(f *testing.F) {
	f.Add([]byte{0, 0})
	f.Add([]byte{200, 40, 1, 2, 3})
	f.Add(bytes.Repeat([]byte{7, 9, 255}, 100))
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) < 2 {
			return
		}
		w, h := 1+int(data[0])*3, 1+int(data[1])%60
		pattern := data[2:]
		if len(pattern) == 0 {
			pattern = []byte{0}
		}
		palette := []color.RGBA{{255, 255, 255, 255}, {0, 0, 0, 255}, {0, 114, 178, 255}, {230, 159, 0, 255}}
		img := image.NewRGBA(image.Rect(0, 0, w, h))
		for i := 0; i < w*h; i++ {
			b := pattern[i%len(pattern)]
			c := palette[b%4]
			if b >= 252 { // now and then a colour of its own
				c = color.RGBA{b, uint8(i), uint8(i >> 8), 255}
			}
			img.SetRGBA(i%w, i/w, c)
		}
		var buf bytes.Buffer
		if err := encodePNG(&buf, img); err != nil {
			t.Fatal(err)
		}
		got, err := png.Decode(&buf)
		if err != nil {
			t.Fatalf("%dx%d: the standard decoder rejects the file: %v", w, h, err)
		}
		for y := 0; y < h; y++ {
			for x := 0; x < w; x++ {
				if a := color.RGBAModel.Convert(got.At(x, y)); a != img.At(x, y) {
					t.Fatalf("%dx%d: pixel (%d, %d) is %v after a round trip, want %v", w, h, x, y, a, img.At(x, y))
				}
			}
		}
	})
}

// TestHuffLengthsLimit: frequencies that grow like Fibonacci's numbers ask
// for codes far longer than deflate allows; the lengths stay within the
// limit and still form a complete prefix code (Kraft's sum exactly 1).
func TestHuffLengthsLimit(t *testing.T) {
	for _, limit := range []int{7, 15} {
		freq := make([]int32, 40)
		a, b := int32(1), int32(1)
		for i := range freq {
			freq[i] = a
			a, b = b, a+b
			if b > 1<<29 {
				b = 1 << 29
			}
		}
		lengths := make([]uint8, len(freq))
		huffLengths(freq, limit, lengths)
		kraft := 0.0
		for s, l := range lengths {
			if l == 0 || int(l) > limit {
				t.Fatalf("limit %d: symbol %d (frequency %d) has length %d", limit, s, freq[s], l)
			}
			kraft += 1 / float64(uint64(1)<<l)
		}
		if kraft != 1 {
			t.Errorf("limit %d: Kraft's sum %v, want 1 (a complete code)", limit, kraft)
		}
	}
}
