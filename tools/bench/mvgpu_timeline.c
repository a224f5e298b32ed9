// SPDX-License-Identifier: GPL-2.0-only
/*
 * mvgpu-timeline: an SVG picture of who ran when on each engine, from the
 * mvgpu_sched_switch_in/out tracepoints.
 *
 *   mvgpu-timeline [--title TEXT] < trace > timeline.svg
 *
 * Input: lines of a tracefs "trace" file (optionally prefixed by "TRACE ",
 * as mvgpu-sched-bench prints them), plus optional label lines
 *
 *   TRACE vgpu pgpu=<name> ctx=<n> label=<text>
 *
 * naming a context. Every other line is ignored. One row per (pGPU,
 * engine); a bar from each switch_in to the next switch_out on that engine,
 * coloured by context; a legend with each context's total engine time.
 */
#define _GNU_SOURCE
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_ROWS	64
#define MAX_CTX		64
#define MAX_BARS	200000
#define NAME_LEN	64

struct bar {
	int row;
	long ctx;
	double start, end;	/* seconds */
};

struct row {
	char pgpu[NAME_LEN];
	long engine;
	long cur_ctx;		/* running context, -1 if none */
	double cur_start;
};

struct ctx_info {
	char pgpu[NAME_LEN];
	long ctx;
	char label[NAME_LEN];
	double total;
};

static struct bar bars[MAX_BARS];
static int num_bars;
static struct row rows[MAX_ROWS];
static int num_rows;
static struct ctx_info ctxs[MAX_CTX];
static int num_ctxs;

static const char *const palette[] = {
	"#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948",
	"#b07aa1", "#ff9da7", "#9c755f", "#bab0ac",
};

/* " key=" value in @line: a string up to the next space. */
static bool field_str(const char *line, const char *key, char *out,
		      size_t len)
{
	char pat[32];
	const char *f;
	size_t n = 0;

	snprintf(pat, sizeof(pat), " %s=", key);
	f = strstr(line, pat);
	if (!f)
		return false;
	f += strlen(pat);
	while (f[n] && !strchr(" ,\r\n", f[n]) && n + 1 < len)
		n++;
	memcpy(out, f, n);
	out[n] = '\0';
	return true;
}

static bool field_long(const char *line, const char *key, long *v)
{
	char buf[NAME_LEN], *end;

	if (!field_str(line, key, buf, sizeof(buf)))
		return false;
	*v = strtol(buf, &end, 0);
	return end != buf;
}

static struct ctx_info *ctx_find(const char *pgpu, long ctx, bool create)
{
	for (int i = 0; i < num_ctxs; i++)
		if (ctxs[i].ctx == ctx && !strcmp(ctxs[i].pgpu, pgpu))
			return &ctxs[i];
	if (!create || num_ctxs == MAX_CTX)
		return NULL;
	snprintf(ctxs[num_ctxs].pgpu, NAME_LEN, "%s", pgpu);
	ctxs[num_ctxs].ctx = ctx;
	snprintf(ctxs[num_ctxs].label, NAME_LEN, "ctx %ld", ctx);
	return &ctxs[num_ctxs++];
}

static struct row *row_find(const char *pgpu, long engine)
{
	for (int i = 0; i < num_rows; i++)
		if (rows[i].engine == engine && !strcmp(rows[i].pgpu, pgpu))
			return &rows[i];
	if (num_rows == MAX_ROWS)
		return NULL;
	snprintf(rows[num_rows].pgpu, NAME_LEN, "%s", pgpu);
	rows[num_rows].engine = engine;
	rows[num_rows].cur_ctx = -1;
	return &rows[num_rows++];
}

/* The timestamp ("  123.456789: ") in front of the event name at @ev. */
static bool timestamp(const char *line, const char *ev, double *t)
{
	const char *p = ev;

	while (p > line && (p[-1] == ' ' || p[-1] == ':'))
		p--;
	while (p > line && ((p[-1] >= '0' && p[-1] <= '9') || p[-1] == '.'))
		p--;
	if (p == ev)
		return false;
	*t = strtod(p, NULL);
	return true;
}

static void add_bar(struct row *r, double end)
{
	struct ctx_info *c = ctx_find(r->pgpu, r->cur_ctx, true);

	if (num_bars < MAX_BARS && end > r->cur_start) {
		bars[num_bars].row = (int)(r - rows);
		bars[num_bars].ctx = r->cur_ctx;
		bars[num_bars].start = r->cur_start;
		bars[num_bars].end = end;
		num_bars++;
		if (c)
			c->total += end - r->cur_start;
	}
	r->cur_ctx = -1;
}

static void parse_line(const char *line, double *first, double *last)
{
	char pgpu[NAME_LEN], label[NAME_LEN];
	const char *ev;
	long ctx, engine;
	struct row *r;
	bool in;
	double t;

	if (!strncmp(line, "TRACE vgpu ", 11)) {
		struct ctx_info *c;

		if (field_str(line, "pgpu", pgpu, sizeof(pgpu)) &&
		    field_long(line, "ctx", &ctx) &&
		    field_str(line, "label", label, sizeof(label)) &&
		    (c = ctx_find(pgpu, ctx, true)))
			snprintf(c->label, NAME_LEN, "%s", label);
		return;
	}
	ev = strstr(line, "mvgpu_sched_switch_in:");
	in = ev != NULL;
	if (!ev)
		ev = strstr(line, "mvgpu_sched_switch_out:");
	if (!ev || !timestamp(line, ev, &t) ||
	    !field_str(line, "pgpu", pgpu, sizeof(pgpu)) ||
	    !field_long(line, "engine", &engine) ||
	    !field_long(line, "ctx", &ctx))
		return;
	r = row_find(pgpu, engine);
	if (!r)
		return;
	if (*first < 0)
		*first = t;
	*last = t;
	if (r->cur_ctx >= 0)	/* a switch_out went missing */
		add_bar(r, t);
	if (in) {
		r->cur_ctx = ctx;
		r->cur_start = t;
		ctx_find(pgpu, ctx, true);
	}
}

static int cmp_rows(const void *a, const void *b)
{
	const struct row *x = a, *y = b;
	int c = strcmp(x->pgpu, y->pgpu);

	return c ? c : (x->engine > y->engine) - (x->engine < y->engine);
}

static const char *color_of(const char *pgpu, long ctx)
{
	for (int i = 0; i < num_ctxs; i++)
		if (ctxs[i].ctx == ctx && !strcmp(ctxs[i].pgpu, pgpu))
			return palette[i % (sizeof(palette) / sizeof(palette[0]))];
	return "#000000";
}

/* XML-safe copy of @s. */
static const char *xml(const char *s)
{
	static char buf[4][256];
	static int k;
	char *o = buf[k++ % 4];
	size_t n = 0;

	for (; *s && n < 240; s++) {
		if (*s == '<' || *s == '>' || *s == '&' || *s == '"')
			o[n++] = '_';
		else
			o[n++] = *s;
	}
	o[n] = '\0';
	return o;
}

static void svg(const char *title, double first, double last)
{
	const int left = 150, width = 1000, top = 50, row_h = 36, gap = 10;
	double span = last > first ? last - first : 1e-3, tick = 1e-3;
	struct row sorted[MAX_ROWS];
	int map[MAX_ROWS], height, legend_y;

	/* Rows sorted by pGPU and engine; bars follow their row. */
	memcpy(sorted, rows, sizeof(rows[0]) * num_rows);
	qsort(sorted, num_rows, sizeof(sorted[0]), cmp_rows);
	for (int i = 0; i < num_rows; i++)
		for (int k = 0; k < num_rows; k++)
			if (!strcmp(rows[i].pgpu, sorted[k].pgpu) &&
			    rows[i].engine == sorted[k].engine)
				map[i] = k;
	for (int i = 0; i < num_bars; i++)
		bars[i].row = map[bars[i].row];
	memcpy(rows, sorted, sizeof(rows[0]) * num_rows);
	while (span / tick > 12)
		tick *= span / tick > 60 ? 10 : 2;
	legend_y = top + num_rows * (row_h + gap) + 40;
	height = legend_y + 24 * num_ctxs + 20;

	printf("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
	printf("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"13\">\n",
	       left + width + 30, height, left + width + 30, height);
	printf("<rect width=\"100%%\" height=\"100%%\" fill=\"#ffffff\"/>\n");
	printf("<text x=\"%d\" y=\"24\" font-size=\"16\">%s</text>\n", left,
	       xml(title));
	for (double x = 0; x <= span + 1e-12; x += tick) {
		double px = left + x / span * width;

		printf("<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#dddddd\"/>\n",
		       px, top - 5, px, top + num_rows * (row_h + gap));
		printf("<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" fill=\"#555555\">%g ms</text>\n",
		       px, top + num_rows * (row_h + gap) + 16, x * 1e3);
	}
	for (int i = 0; i < num_rows; i++) {
		int y = top + i * (row_h + gap);

		printf("<text x=\"%d\" y=\"%d\" text-anchor=\"end\">pGPU %s engine %ld</text>\n",
		       left - 8, y + row_h / 2 + 5, xml(rows[i].pgpu),
		       rows[i].engine);
		printf("<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"#f4f4f4\"/>\n",
		       left, y, width, row_h);
	}
	for (int i = 0; i < num_bars; i++) {
		const struct bar *b = &bars[i];
		double x0 = left + (b->start - first) / span * width;
		double w = (b->end - b->start) / span * width;

		printf("<rect x=\"%.2f\" y=\"%d\" width=\"%.2f\" height=\"%d\" fill=\"%s\" stroke=\"#ffffff\" stroke-width=\"0.5\"><title>%s: %.3f ms</title></rect>\n",
		       x0, top + b->row * (row_h + gap), w < 0.5 ? 0.5 : w,
		       row_h, color_of(rows[b->row].pgpu, b->ctx),
		       xml(ctx_find(rows[b->row].pgpu, b->ctx, false) ?
			   ctx_find(rows[b->row].pgpu, b->ctx, false)->label :
			   "?"),
		       (b->end - b->start) * 1e3);
	}
	for (int i = 0; i < num_ctxs; i++) {
		int y = legend_y + 24 * i;
		double engine_time = span * num_rows;

		printf("<rect x=\"%d\" y=\"%d\" width=\"16\" height=\"16\" fill=\"%s\"/>\n",
		       left, y, palette[i % (sizeof(palette) / sizeof(palette[0]))]);
		printf("<text x=\"%d\" y=\"%d\">%s (pGPU %s ctx %ld): %.1f ms on engines, %.1f %% of the engine time shown</text>\n",
		       left + 24, y + 13, xml(ctxs[i].label), xml(ctxs[i].pgpu),
		       ctxs[i].ctx, ctxs[i].total * 1e3,
		       100 * ctxs[i].total / engine_time);
	}
	printf("</svg>\n");
}

int main(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "title", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *title = "mvgpu scheduler timeline";
	char line[4096];
	double first = -1, last = -1;
	int c;

	while ((c = getopt_long(argc, argv, "t:h", lopts, NULL)) != -1) {
		if (c != 't') {
			fprintf(stderr, "usage: mvgpu-timeline [--title TEXT] < trace > out.svg\n");
			return 2;
		}
		title = optarg;
	}
	while (fgets(line, sizeof(line), stdin))
		parse_line(line, &first, &last);
	for (int i = 0; i < num_rows; i++)
		if (rows[i].cur_ctx >= 0)
			add_bar(&rows[i], last);
	if (!num_bars) {
		fprintf(stderr, "mvgpu-timeline: no mvgpu_sched_switch_in/out events in the input\n");
		return 1;
	}
	svg(title, first, last);
	return 0;
}
