console.log("daemon");
