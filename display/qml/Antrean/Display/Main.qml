import QtQuick
import QtQuick.Window
import Antrean.Display.Models

// The hall board, read from across a hall: the call being made, the earlier calls, and how
// many wait per service, over a slow ticker. Everything scales with `u`.
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
        height: (root.portrait ? 11 : 8.5) * root.u
    }

    // Landscape: the call being made (left) beside the earlier calls (right); below, across
    // the whole width, the surge note (while a service surges) and the waiting counts.
    // Portrait: the same, stacked. Sizes for reading from the back of a hall (10 m).
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
            width: root.portrait ? body.width : (body.width - root.gap) * 0.45
            height: root.portrait ? (surge.y - root.gap) * 0.52 : surge.y - root.gap
        }

        RecentCalls {
            id: recent
            board: root.board
            u: root.u
            x: root.portrait ? 0 : now.width + root.gap
            y: root.portrait ? now.height + root.gap : 0
            width: root.portrait ? body.width : body.width - now.width - root.gap
            height: surge.y - root.gap - y
        }

        SurgeBand {
            id: surge
            board: root.board
            u: root.u
            width: body.width
            y: waiting.y - (visible ? height + root.gap : 0)
        }

        WaitingList {
            id: waiting
            board: root.board
            u: root.u
            width: body.width
            y: body.height - height
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
        height: 7 * root.u
    }
}
