"""Original prose for the benchmark pages, written for ocrfix (not taken from any source).

Each passage fills most of an A4 page at 11 pt; the generator takes them in turn so that
pages differ. Numbers, names, quotation marks, hyphens and short lines are there on purpose:
they are what OCR gets wrong.
"""

PASSAGES = (
    """\
The print shop on Mill Lane

For thirty-one years the cooperative print shop on Mill Lane produced the leaflets, \
minutes and membership cards of nearly every society in the valley. It had two flatbed \
presses, a guillotine bought second-hand from a newspaper in 1952, and a case of wooden \
type so large that the apprentices used it as a bench during their tea break.

The shop kept careful books. Each job was entered in a ledger with the name of the \
customer, the number of copies, the paper used and the price charged. A typical week in \
the spring of 1961 shows forty-two jobs, from a single poster for the allotment society \
to eight hundred copies of a pamphlet on housing. The cheapest job cost four shillings; \
the dearest, for the cycling club's annual handbook, came to eleven pounds and six pence.

Much of the work was done at night. The compositors set type after the day's printing \
was finished, and the presses ran again at six in the morning so that the sheets could \
dry before collection. Neighbours complained about the noise only once, when a new motor \
was fitted to the larger press and it rattled the windows across the lane.

When the shop closed in 1983 its ledgers went to the town library, where they sat \
unopened in a cupboard until a student looking for something else found them. They are \
now the best record we have of what the town's clubs and unions printed, and what it \
cost them. Several of the pamphlets listed in the ledgers survive nowhere else.

The reading circle has begun to transcribe the ledgers, one year at a time. Volunteers \
work in pairs: one reads the entry aloud and the other types it, and at the end of each \
page they change places and check what the other wrote.""",
    """\
Notes on the river trade

Before the railway reached the valley, almost everything heavy came up the river. Coal, \
lime, timber and grain travelled on flat-bottomed boats that drew less than three feet \
of water, and in a dry summer even these ran aground on the shoals below the old bridge. \
The boatmen knew every bend by name: the Elbow, Parson's Reach, the Long Stretch and the \
Narrows, where two boats could not pass.

A boat of the usual size carried about twenty tons and needed a crew of three, or two \
and a boy. Horses towed the boats upstream along a path on the north bank; downstream \
they drifted with the current and were steered with a long oar at the stern. The journey \
from the estuary to the town took four days going up and a day and a half coming down.

The trade was organised through a handful of wharves, each owned by a family that also \
kept an inn. The wharfinger weighed the cargo, collected the tolls and wrote the figures \
into a book that he sent each quarter to the river commissioners. Many of these books \
have been lost, but those for the years 1838 to 1846 survive, and they show that the \
traffic grew by a third in less than a decade.

Then the railway came. Within twelve years the number of boats fell from ninety to \
seventeen, and the last of them stopped working in 1871. The towpath is now a footpath, \
and the wharf by the bridge is a car park; only the name of the inn, the Anchor, reminds \
anyone that the town once looked to the water for its living.""",
    """\
How to care for old paper

Paper made before about 1850 was usually made from rags and lasts very well. Paper made \
later, from wood pulp, often contains acid that slowly turns it brown and brittle. You \
cannot stop this at home, but you can slow it down a great deal.

Keep papers cool, dry and dark. A steady temperature matters more than a low one: a \
room that is warm by day and cold by night makes the paper swell and shrink, and the \
damage adds up. Attics and cellars are the worst places of all. A cupboard against an \
inside wall of the house is usually the best place you have.

Handle papers as little as you can, and always with clean, dry hands. Gloves are not \
needed for paper and make it easy to tear a fragile sheet. Never use sticky tape to \
mend a tear; the glue spreads into the paper and leaves a yellow stain that cannot be \
removed. Put a torn sheet in a folder on its own and write a note of the damage.

Remove paper clips, pins and rubber bands. Metal rusts and leaves marks, and rubber \
perishes, sticks to the paper and then crumbles. If a bundle is held together by a \
ribbon or string, keep it, but loosen it so that it does not cut into the edges.

Do not try to flatten a rolled or folded document by force. Let it lie in a humid room \
for a day and it will often relax by itself. If it does not, ask for help: the county \
record office gives advice without charge, and so does the reading circle's secretary, \
who has done this kind of work for many years.""",
    """\
A winter diary, kept at the weather station

3 January. Hard frost overnight, minus eight degrees at seven o'clock. The rain gauge \
was frozen solid and had to be thawed in the kitchen before it could be read. Clear sky \
all day, light wind from the north-east. Two inches of snow still lying on the hill.

9 January. Wind backed to the south-west in the night and the thaw began. By noon the \
snow had gone from the fields and the brook was running high and brown. Rainfall for the \
twenty-four hours, 0.62 inches. The barometer fell steadily from 30.1 to 29.4.

17 January. A grey, still day. Fog in the valley until eleven, lifting slowly; the \
church tower showed above it at about ten. Temperature between two and five degrees. \
Nothing to report except that the wind vane needs oil again.

26 January. Gale from the west, strongest between four and six in the afternoon. A \
large branch came down from the beech by the gate, and the Sutton road was closed for \
an hour. Highest gust estimated at fifty miles an hour; no instrument to measure it.

2 February. Bright and cold. Snowdrops out under the hedge. The observer's note for the \
month: colder than the average of the last ten winters, and wetter, but with fewer days \
of fog. The figures have been copied into the annual book and sent to the society.""",
    """\
Rules of the lending library

1. The library is open to members on Tuesday and Friday evenings from half past six \
until nine, and on Saturday mornings from ten until one.

2. A member may borrow up to four books at a time, for not more than three weeks. A \
book may be renewed once if no other member has asked for it.

3. Reference books, bound volumes of periodicals and items marked with a red label may \
be read in the library but are not to be taken away.

4. A member who loses or damages a book shall pay for its replacement or repair, at a \
price fixed by the committee. Fines for late return are one penny a week.

5. Members are asked to suggest books for purchase by writing the title and author in \
the suggestions book kept at the desk. The committee considers these at each meeting.

6. Gifts of books and papers are welcome. Every gift is recorded with the name of the \
donor and the date, and the committee decides whether to keep, exchange or sell it.

7. Silence is not required, but readers should keep their voices low and remember that \
others are working. Smoking is not permitted in any part of the building.

8. These rules may be changed at any general meeting by a majority of the members \
present, provided that notice of the change was given at the previous meeting.""",
    """\
Bookbinding for beginners

A simple pamphlet binding needs only a needle, linen thread, a bone folder and an awl. \
Fold each sheet in half, gather the folded sheets into one section, and add a cover of \
slightly heavier paper cut a little larger than the pages.

Open the section at its centre and mark three holes along the fold: one in the middle \
and one about an inch from each end. Pierce the holes with the awl, working from the \
inside outwards, so that the paper does not split along the fold.

Start sewing from the inside at the middle hole, leaving a tail of thread about three \
inches long. Go out through the middle, in through the top hole, out through the bottom \
hole and back in through the middle. Tie the two ends across the long stitch inside and \
trim them, leaving a short tuft.

Press the finished pamphlet under a few heavy books overnight. Trim the fore-edge with a \
sharp knife and a steel rule if the pages stick out; do it in several light strokes \
rather than one heavy one, which would tear the paper.

With practice the whole job takes about a quarter of an hour. The circle has bound more \
than two hundred pamphlets this way, most of them copies of worn originals that readers \
may now borrow without fear of harming the old ones.""",
)
