# VADER, the reference lexicon-and-rules sentiment analyser, on the same
# labelled replies as `levain bench sentiment`: vaderSentiment (English,
# Hutto & Gilbert 2014) and vaderSentiment-fr (its French adaptation),
# both from PyPI. Reads one text a line; prints one JSON document with a
# label per line (compound >= 0.05 positive, <= -0.05 negative: VADER's
# documented thresholds) and the seconds spent classifying.
import json, sys, time

lang, path = sys.argv[1], sys.argv[2]
if lang == "fr":
    from vaderSentiment_fr.vaderSentiment import SentimentIntensityAnalyzer
else:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

texts = open(path, encoding="utf-8").read().split("\n")[:-1]
analyzer = SentimentIntensityAnalyzer()
started = time.perf_counter()
labels = []
for t in texts:
    c = analyzer.polarity_scores(t)["compound"]
    labels.append("positive" if c >= 0.05 else "negative" if c <= -0.05 else "neutral")
seconds = time.perf_counter() - started
print(json.dumps({"labels": labels, "seconds": seconds}))
