import QtQuick

// A big flat button that shows its keypad key. It never takes keyboard focus, so the
// window keeps the keypad. ``active: false`` dims it; a press is still reported, so the
// view-model can say on screen why nothing was sent.
Rectangle {
    id: button
    required property Theme theme
    property string label: ""
    property string keyCap: ""
    property string hint: ""
    property color tint: theme.recall
    property bool active: true
    property real labelSize: 22
    signal pressed()

    radius: 10 * theme.u
    color: !active ? theme.disabled : area.pressed ? Qt.darker(tint, 1.25) : tint
    border.width: 0

    Column {
        anchors.centerIn: parent
        width: parent.width - 16 * button.theme.u
        spacing: 4 * button.theme.u
        Text {
            width: parent.width
            text: button.label
            font.family: button.theme.font
            font.pixelSize: button.theme.f(button.labelSize)
            font.bold: true
            color: "white"
            horizontalAlignment: Text.AlignHCenter
            wrapMode: Text.WordWrap
            maximumLineCount: 2
            elide: Text.ElideRight
        }
        Rectangle {
            anchors.horizontalCenter: parent.horizontalCenter
            visible: button.keyCap !== ""
            width: capText.implicitWidth + 16 * button.theme.u
            height: capText.implicitHeight + 6 * button.theme.u
            radius: 5 * button.theme.u
            color: Qt.rgba(1, 1, 1, 0.22)
            border.color: Qt.rgba(1, 1, 1, 0.6)
            Text {
                id: capText
                anchors.centerIn: parent
                text: button.keyCap
                font.family: button.theme.font
                font.pixelSize: button.theme.f(15)
                font.bold: true
                color: "white"
            }
        }
        Text {
            width: parent.width
            visible: button.hint !== ""
            text: button.hint
            font.family: button.theme.font
            font.pixelSize: button.theme.f(14)
            color: "white"
            opacity: 0.92
            horizontalAlignment: Text.AlignHCenter
            wrapMode: Text.WordWrap
            maximumLineCount: 2
            elide: Text.ElideRight
        }
    }

    MouseArea {
        id: area
        anchors.fill: parent
        onClicked: button.pressed()
    }
}
