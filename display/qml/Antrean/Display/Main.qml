import QtQuick
import QtQuick.Window
import Antrean.Display.Models

// The hall board. Landscape: the call being made on the left, earlier calls and waiting
// counts on the right. Portrait: the same three stacked. Everything scales with `u`.
Window {
    id: root

    required property Board board
    readonly property bool portrait: height > width
    readonly property real u: Math.max(2, Math.min(width, height) / 100)
    readonly property real gap: 1.5 * u

    width: 1280
    height: 720
    title: "Antrean — " + board.postName
    color: Theme.bg

    Header {
        id: header
        board: root.board
        u: root.u
        anchors { left: parent.left; right: parent.right; top: parent.top }
        height: root.portrait ? 12 * root.u : 11 * root.u
    }

    Item {
        id: body
        anchors {
            left: parent.left; right: parent.right; top: header.bottom; bottom: ticker.top
            margins: root.gap
        }

        NowCalling {
            id: now
            board: root.board
            u: root.u
            x: 0
            y: 0
            width: root.portrait ? body.width : (body.width - root.gap) * 0.6
            height: root.portrait ? body.height * 0.42 : body.height
        }

        RecentCalls {
            id: recent
            board: root.board
            u: root.u
            x: root.portrait ? 0 : now.width + root.gap
            y: root.portrait ? now.height + root.gap : 0
            width: root.portrait ? body.width : body.width - now.width - root.gap
            // A surge note takes room in the waiting panel below: give some back to it.
            height: (root.portrait ? (body.height - now.height - 2 * root.gap) * 0.5
                                   : (body.height - root.gap) * 0.54)
                    * (root.board.surgeNote !== "" ? 0.85 : 1)
        }

        WaitingList {
            board: root.board
            u: root.u
            x: recent.x
            y: recent.y + recent.height + root.gap
            width: recent.width
            height: body.height - y
        }
    }

    StatusBanner {
        board: root.board
        u: root.u
        anchors { left: parent.left; right: parent.right; top: header.bottom }
        height: 9 * root.u
    }

    OutOfService {
        board: root.board
        u: root.u
        anchors { left: parent.left; right: parent.right; top: header.bottom; bottom: parent.bottom }
    }

    Ticker {
        id: ticker
        board: root.board
        u: root.u
        anchors { left: parent.left; right: parent.right; bottom: parent.bottom }
        height: 8 * root.u
    }
}
