import QtQuick
import Antrean.Display.Models

// How many residents wait, per service, across the board: one cell per service with its
// letter, the count ("Tutup" when closed) and the name. Sized for the back of the hall:
// counts at 6 % and names at 4.6 % of the screen's short side; as many cells side by side as
// their longest name word allows.
Item {
    id: box
    objectName: "waitingBox"

    required property Board board
    required property real u
    readonly property real gap: 1.2 * u
    readonly property real pad: 1.2 * u
    readonly property real nameSize: Math.floor(4.6 * u)
    readonly property real countSize: Math.floor(6 * u)
    readonly property int count: Math.max(1, cells.count)
    readonly property var names: board.waitingNames
    // The widest name word and the count beside its letter set a cell's least width.
    readonly property real cellMin: 2 * pad + Math.max(
        widest(nameMetrics, names.words) * nameSize,
        countSize * 1.05 + gap + countMetrics.advanceWidth("888") / 100 * countSize)
    readonly property int columns: Math.max(1, Math.min(count, Math.floor((width + gap) / (cellMin + gap))))
    readonly property int rowsOfCells: Math.ceil(count / columns)
    readonly property real cellWidth: (width - (columns - 1) * gap) / columns
    readonly property int nameLines: Math.max(1, Math.min(3, Math.ceil(
        1.05 * widest(nameMetrics, names.names) * nameSize / Math.max(1, cellWidth - 2 * pad))))
    readonly property real cellHeight: 2 * pad + countSize * 1.17 + 0.4 * u
                                       + nameLines * nameSize * nameMetrics.height / 100
    readonly property real rowHeight: cellHeight  // (the tests' name for it)

    function widest(metrics, words) {
        var w = 0
        for (var i = 0; i < words.length; ++i)
            w = Math.max(w, metrics.advanceWidth(words[i]))
        return w / 100
    }

    height: caption.height + 0.5 * u + rowsOfCells * cellHeight + (rowsOfCells - 1) * gap

    FontMetrics { id: nameMetrics; font { family: Theme.narrow; pixelSize: 100 } }
    FontMetrics { id: countMetrics; font { family: Theme.font; bold: true; pixelSize: 100 } }

    Text {
        id: caption
        textFormat: Text.PlainText
        text: box.board.t.waiting
        color: Theme.dim
        font { family: Theme.font; bold: true; pixelSize: 3.4 * box.u }
    }

    Grid {
        y: caption.height + 0.5 * box.u
        width: box.width
        columns: box.columns
        spacing: box.gap

        Repeater {
            id: cells
            objectName: "waitingRows"
            model: box.board.waiting

            delegate: Rectangle {
                id: cell

                required property string letter
                required property string name
                required property int waiting
                required property bool open

                width: box.cellWidth
                height: box.cellHeight
                radius: box.u
                color: Theme.panel
                border { color: Theme.panelLine; width: 0.3 * box.u }

                Rectangle {
                    id: chip
                    x: box.pad
                    y: box.pad
                    width: box.countSize * 1.05
                    height: width
                    radius: 0.6 * box.u
                    color: cell.open ? Theme.accent : Theme.closed
                    Text {
                        textFormat: Text.PlainText
                        anchors.centerIn: parent
                        text: cell.letter
                        color: Theme.accentText
                        font { family: Theme.font; bold: true; pixelSize: chip.height * 0.7 }
                    }
                }
                Text {
                    objectName: "waitingCount"
                    textFormat: Text.PlainText
                    anchors { right: parent.right; rightMargin: box.pad; verticalCenter: chip.verticalCenter }
                    text: cell.open ? cell.waiting : box.board.t.closed
                    color: cell.open ? Theme.text : Theme.closed
                    font { family: Theme.font; bold: true
                           pixelSize: cell.open ? box.countSize : Math.floor(0.8 * box.countSize) }
                }
                Text {
                    objectName: "waitingName"
                    textFormat: Text.PlainText
                    x: box.pad
                    y: chip.y + Math.max(chip.height, box.countSize * 1.17) + 0.4 * box.u
                    width: cell.width - 2 * box.pad
                    text: cell.name
                    color: cell.open ? Theme.text : Theme.closed
                    font { family: Theme.narrow; pixelSize: box.nameSize }
                    wrapMode: Text.WordWrap
                    maximumLineCount: box.nameLines
                    elide: Text.ElideRight
                }
            }
        }
    }
}
