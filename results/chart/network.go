package chart

import (
	"fmt"
	"image/color"
	"math"
	"slices"

	"github.com/freightsim/freightsim/results"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Hub is a hub of a freight network as the network figure places it.
type Hub struct {
	Name string
	X, Y float64
}

// laneRow is one lane at the last evaluation point, pooled over replicates.
type laneRow struct {
	from, to         int
	trips, empty     float64
	volume           float64
	pay, cost, recvC float64 // price paid, and received, per unit of transport cost
	n                int     // replicates with a defined price
}

// lastLanes pools the lanes table's rows of its last evaluation point over
// replicates: trips and volume summed, the price per cost averaged over the
// replicates that shipped on the lane. Lanes come in the order of their
// first row.
func lastLanes(lanes *results.Table) ([]laneRow, int64, error) {
	ek, fk, tk := slices.Index(lanes.Keys, "episode"), slices.Index(lanes.Keys, "from"), slices.Index(lanes.Keys, "to")
	if ek < 0 || fk < 0 || tk < 0 {
		return nil, 0, fmt.Errorf("lanes table: want the key columns episode, from and to; it has %s", columnNames(lanes))
	}
	cols := map[string]int{}
	for _, name := range []string{"loaded_trips", "empty_trips", "volume", "price_per_cost", "receive_per_cost"} {
		c, err := valueColumn(lanes, "lanes", name)
		if err != nil {
			return nil, 0, err
		}
		cols[name] = c
	}
	if len(lanes.Rows) == 0 {
		return nil, 0, fmt.Errorf("lanes table: no rows")
	}
	final := lanes.Rows[0].Keys[ek]
	for _, r := range lanes.Rows {
		final = max(final, r.Keys[ek])
	}
	var out []laneRow
	for _, r := range lanes.Rows {
		if r.Keys[ek] != final {
			continue
		}
		from, to := int(r.Keys[fk]), int(r.Keys[tk])
		i := slices.IndexFunc(out, func(l laneRow) bool { return l.from == from && l.to == to })
		if i < 0 {
			out = append(out, laneRow{from: from, to: to})
			i = len(out) - 1
		}
		l := &out[i]
		v := r.Values
		l.trips += v[cols["loaded_trips"]]
		l.empty += v[cols["empty_trips"]]
		l.volume += v[cols["volume"]]
		if p := v[cols["price_per_cost"]]; isFinite(p) {
			l.pay += p
			l.recvC += v[cols["receive_per_cost"]]
			l.n++
		}
	}
	for i := range out {
		if out[i].n > 0 {
			out[i].pay /= float64(out[i].n)
			out[i].recvC /= float64(out[i].n)
		} else {
			out[i].pay, out[i].recvC = math.NaN(), math.NaN()
		}
	}
	return out, final, nil
}

func hubName(hubs []Hub, i int) string {
	if i >= 0 && i < len(hubs) {
		return hubs[i].Name
	}
	return fmt.Sprint(i)
}

// LanePrices draws, for each lane with trips at the last evaluation point
// of a network run's lanes table (lanes.csv), the price shippers paid and
// the price carriers received per unit of transport cost, as horizontal
// bars, lanes sorted by the price paid. A head-haul lane stands above its
// back-haul. Its data has the key column lane (the bars' order) and the
// value columns from, to, loaded_trips, empty_trips, volume,
// price_per_cost and receive_per_cost; its name is lane_prices.
func LanePrices(lanes *results.Table, hubs []Hub) (*Figure, error) {
	rows, final, err := lastLanes(lanes)
	if err != nil {
		return nil, err
	}
	rows = slices.DeleteFunc(rows, func(l laneRow) bool { return !isFinite(l.pay) })
	if len(rows) == 0 {
		return nil, fmt.Errorf("lanes table: no lane shipped anything at episode %d", final)
	}
	slices.SortStableFunc(rows, func(a, b laneRow) int {
		switch {
		case a.pay < b.pay:
			return -1
		case a.pay > b.pay:
			return 1
		}
		return 0
	})
	data := &results.Table{Keys: []string{"lane"}, Values: []string{"from", "to", "loaded_trips", "empty_trips", "volume", "price_per_cost", "receive_per_cost"},
		Counts: []string{"from", "to", "loaded_trips", "empty_trips", "volume"}}
	pay, recv := make(plotter.Values, len(rows)), make(plotter.Values, len(rows))
	names := make([]string, len(rows))
	for i, l := range rows {
		data.Append([]int64{int64(i)}, []float64{float64(l.from), float64(l.to), l.trips, l.empty, l.volume, l.pay, l.recvC})
		pay[i], recv[i] = l.pay, l.recvC
		names[i] = hubName(hubs, l.from) + " > " + hubName(hubs, l.to)
	}
	c := newChart(fmt.Sprintf("Price per unit of transport cost by lane after %d training episodes", final),
		"price per unit of transport cost k·v·l (ratio)", "lane (from > to)")
	w := vg.Points(5)
	bp, err := plotter.NewBarChart(pay, w)
	if err != nil {
		return nil, err
	}
	br, err := plotter.NewBarChart(recv, w)
	if err != nil {
		return nil, err
	}
	bp.Horizontal, br.Horizontal = true, true
	bp.Color, br.Color = colorBlue, colorOrange
	bp.LineStyle.Width, br.LineStyle.Width = 0, 0
	bp.Offset, br.Offset = w/2, -w/2
	c.p.Add(bp, br)
	c.legend("paid by shippers", bp)
	c.legend("received by carriers", br)
	c.p.NominalY(names...)
	top := 1.0
	for i := range pay {
		top = max(top, pay[i], recv[i])
	}
	c.p.X.Min, c.p.X.Max = 0, 1.05*top
	one, err := plotter.NewLine(plotter.XYs{{X: 1, Y: -0.5}, {X: 1, Y: float64(len(rows)) - 0.5}})
	if err != nil {
		return nil, err
	}
	one.Color, one.Dashes = color.Gray{0x80}, []vg.Length{vg.Points(2), vg.Points(2)}
	c.p.Add(one)
	c.legend("price = cost", one)
	f := c.figure("lane_prices", data)
	f.Height = max(f.Height, vg.Length(len(rows))*12*vg.Points(1)+3*vg.Centimeter)
	return f, nil
}

// NetworkMap draws a network run's hubs at their coordinates and its lanes
// as lines whose width grows with the volume shipped at the last evaluation
// point (both directions of a pair side by side, each offset to its right
// of travel), with the hubs' names. Its data has the key column lane and
// the value columns from, to, x1, y1, x2, y2, volume, empty_trips and
// price_per_cost; its name is network.
func NetworkMap(lanes *results.Table, hubs []Hub) (*Figure, error) {
	rows, final, err := lastLanes(lanes)
	if err != nil {
		return nil, err
	}
	if len(hubs) == 0 {
		return nil, fmt.Errorf("network figure: no hubs")
	}
	top := 0.0
	for _, l := range rows {
		top = max(top, l.volume)
	}
	c := newChart(fmt.Sprintf("Network flows after %d training episodes", final)+"\nline width: volume shipped, each direction to the right of its travel; grey dashes: empty trips only",
		"x (hub coordinate)", "y (hub coordinate)")
	data := &results.Table{Keys: []string{"lane"}, Values: []string{"from", "to", "x1", "y1", "x2", "y2", "volume", "empty_trips", "price_per_cost"},
		Counts: []string{"from", "to", "volume", "empty_trips"}}
	var span float64
	for _, a := range hubs {
		for _, b := range hubs {
			span = max(span, math.Hypot(a.X-b.X, a.Y-b.Y))
		}
	}
	off := 0.01 * span
	for i, l := range rows {
		if l.from == l.to || l.from >= len(hubs) || l.to >= len(hubs) {
			continue
		}
		a, b := hubs[l.from], hubs[l.to]
		dx, dy := b.X-a.X, b.Y-a.Y
		n := math.Hypot(dx, dy)
		if n == 0 {
			continue
		}
		ox, oy := dy/n*off, -dx/n*off // to the right of travel
		x1, y1, x2, y2 := a.X+ox, a.Y+oy, b.X+ox, b.Y+oy
		data.Append([]int64{int64(i)}, []float64{float64(l.from), float64(l.to), x1, y1, x2, y2, l.volume, l.empty, l.pay})
		line, err := plotter.NewLine(plotter.XYs{{X: x1, Y: y1}, {X: x2, Y: y2}})
		if err != nil {
			return nil, err
		}
		switch {
		case l.volume > 0:
			line.Color = colorBlue
			line.Width = vg.Points(0.5 + 6*l.volume/top)
		case l.empty > 0:
			line.Color = color.Gray{0xa0}
			line.Width = vg.Points(0.75)
			line.Dashes = []vg.Length{vg.Points(3), vg.Points(2)}
		default:
			continue
		}
		c.p.Add(line)
	}
	pts := make(plotter.XYs, len(hubs))
	labels := plotter.XYLabels{XYs: make(plotter.XYs, len(hubs)), Labels: make([]string, len(hubs))}
	for i, h := range hubs {
		pts[i] = plotter.XY{X: h.X, Y: h.Y}
		labels.XYs[i] = pts[i]
		labels.Labels[i] = h.Name
	}
	sc, err := plotter.NewScatter(pts)
	if err != nil {
		return nil, err
	}
	sc.GlyphStyle = draw.GlyphStyle{Color: color.Black, Radius: vg.Points(3), Shape: draw.CircleGlyph{}}
	lb, err := plotter.NewLabels(labels)
	if err != nil {
		return nil, err
	}
	for i := range lb.TextStyle {
		lb.TextStyle[i].Font = font.From(font.Font{Typeface: "Liberation", Variant: "Sans"}, 9)
		lb.TextStyle[i].XAlign, lb.TextStyle[i].YAlign = draw.XLeft, draw.YBottom
	}
	lb.Offset = vg.Point{X: vg.Points(4), Y: vg.Points(2)}
	c.p.Add(sc, lb)
	pad := 0.08 * span
	c.p.X.Min, c.p.X.Max = c.p.X.Min-pad, c.p.X.Max+2*pad
	c.p.Y.Min, c.p.Y.Max = c.p.Y.Min-pad, c.p.Y.Max+pad
	return c.figure("network", data), nil
}
