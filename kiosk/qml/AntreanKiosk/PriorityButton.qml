import QtQuick

// A priority choice ("Lansia", "Disabilitas"): a universal pictogram above the word, a big
// target. Chosen: filled in its colour with a check mark.
Rectangle {
    id: button

    property real u: 10
    property string kind: "elderly"
    property string label: ""
    property bool selected: false
    property int labelChars: label.length  // the longest label of its row: one size for all
    readonly property color tint: Theme.priorityColor(kind)
    signal clicked()

    objectName: "priority-" + kind
    radius: 1.2 * u
    color: selected ? (area.pressed ? Qt.darker(tint, 1.2) : tint) : (area.pressed ? Theme.closed : Theme.card)
    border.color: tint
    border.width: Math.max(3, 0.5 * u)

    PriorityIcon {
        id: icon
        kind: button.kind
        color: button.selected ? "white" : button.tint
        height: button.height * 0.5
        width: height
        anchors { horizontalCenter: parent.horizontalCenter; top: parent.top; topMargin: button.height * 0.08 }
    }

    Text {
        textFormat: Text.PlainText
        anchors { left: parent.left; right: parent.right; top: icon.bottom; bottom: parent.bottom
                  leftMargin: button.u; rightMargin: button.u; bottomMargin: button.height * 0.06 }
        text: (button.selected ? "✓ " : "") + button.label
        color: button.selected ? "white" : button.tint
        font.pixelSize: Math.min(4.4 * button.u, height * 0.8, width / ((button.labelChars + 2) * 0.68))
        font.bold: true
        fontSizeMode: Text.Fit
        minimumPixelSize: 10
        horizontalAlignment: Text.AlignHCenter
        verticalAlignment: Text.AlignVCenter
    }

    MouseArea {
        id: area
        anchors.fill: parent
        onClicked: button.clicked()
    }
}
